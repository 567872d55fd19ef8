/**
 * A setup's timeline read step by step, so that a replay can set what happened then beside what
 * would happen now (docs/api.md, "Replay"). Each step has a plain-language text per tense and a
 * neutral key: the step changed when the keys differ.
 */

export interface TimelineEvent {
  type: string
  data: Record<string, unknown>
}

export type Tense = 'then' | 'now'

export interface StepReading {
  text: string
  key: string
}

export interface StepDiff {
  step: SetupStep
  then: string
  now: string
  changed: boolean
}

export const SETUP_STEPS = ['credential', 'return_url', 'identity', 'user', 'roles', 'outcome'] as const
export type SetupStep = (typeof SETUP_STEPS)[number]

const NOT_REACHED: StepReading = { text: 'not reached', key: 'not reached' }

const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))
const find = (events: readonly TimelineEvent[], ...types: string[]) => events.find((e) => types.includes(e.type))

function returnUrl(events: readonly TimelineEvent[]): StepReading {
  const e = find(events, 'return_url.allowed', 'return_url.refused')
  if (!e) return NOT_REACHED
  return e.type === 'return_url.allowed'
    ? { text: `${str(e.data.url)} is on the allow-list`, key: `allowed ${str(e.data.url)}` }
    : { text: `${str(e.data.url)} refused: ${str(e.data.reason)}`, key: `refused ${str(e.data.url)}` }
}

function identity(events: readonly TimelineEvent[]): StepReading {
  const e = find(events, 'identity.extracted', 'identity.missing')
  if (!e) return NOT_REACHED
  // Sorted: the database keeps JSON objects in an order of its own.
  const fields = Object.entries(e.data).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${str(v)}`).join(', ')
  return e.type === 'identity.extracted'
    ? { text: `extracted: ${fields}`, key: `extracted ${fields}` }
    : { text: `missing: ${fields}`, key: `missing ${fields}` }
}

const USER_TEXT: Record<string, [then: string, now: string]> = {
  'user.created': ['user created', 'user would be created'],
  'user.matched': ['existing user matched', 'existing user would be matched'],
  'user.matched_by_email': ['existing user matched by email', 'existing user would be matched by email'],
  'user.refused_unknown': ['refused: unknown user, and the policy creates none', 'refused: unknown user, and the policy creates none'],
  'user.refused_disabled': ['refused: the user is disabled', 'refused: the user is disabled'],
}

function user(events: readonly TimelineEvent[], tense: Tense): StepReading {
  const e = find(events, ...Object.keys(USER_TEXT))
  if (!e) return NOT_REACHED
  const uniqueName = typeof e.data.uniqueName === 'string' ? ` (${e.data.uniqueName})` : ''
  // A refused setup keeps no user: its user step was decided, never written.
  const notKept = find(events, 'session.failed') && !e.type.startsWith('user.refused') ? ', not kept: the setup was refused' : ''
  return { text: `${USER_TEXT[e.type]![tense === 'then' ? 0 : 1]}${uniqueName}${notKept}`, key: e.type }
}

function roles(events: readonly TimelineEvent[]): StepReading {
  const parts = events.flatMap((e) => {
    const role = str(e.data.role)
    const permissions = Array.isArray(e.data.permissions) ? ` → [${e.data.permissions.join(', ')}]` : ''
    switch (e.type) {
      case 'role.matched': return [`${role} mapped${permissions}`]
      case 'role.pending':
      case 'role.created_pending': return [`${role} pending review${permissions}`]
      case 'role.defaulted': return [`${role} given the default role ${str(e.data.defaultRole)}`]
      case 'role.rejected': return [`${role} rejected`]
      default: return []
    }
  })
  if (parts.length === 0) return NOT_REACHED
  return { text: parts.join('; '), key: parts.join('; ') }
}

function outcome(events: readonly TimelineEvent[], tense: Tense): StepReading {
  const failed = find(events, 'session.failed')
  if (failed) return { text: `refused ${str(failed.data.code)}: ${str(failed.data.text)}`, key: `refused ${str(failed.data.code)}` }
  if (find(events, 'session.provisioned')) return { text: tense === 'then' ? 'session provisioned' : 'session would be provisioned', key: 'provisioned' }
  return NOT_REACHED
}

/** One step as a timeline tells it; `credential` is read by the caller, which knows how it was checked. */
export function readStep(step: Exclude<SetupStep, 'credential'>, events: readonly TimelineEvent[], tense: Tense): StepReading {
  switch (step) {
    case 'return_url': return returnUrl(events)
    case 'identity': return identity(events)
    case 'user': return user(events, tense)
    case 'roles': return roles(events)
    case 'outcome': return outcome(events, tense)
  }
}

export const diff = (step: SetupStep, then: StepReading, now: StepReading): StepDiff => ({ step, then: then.text, now: now.text, changed: then.key !== now.key })
