/**
 * `npm run bench` — the gateway against the floor (bench/README.md).
 *
 *   npm run bench                          3 rounds × 10 s per scenario (~7 min on 2 cores), then the journal scale
 *   npm run bench -- --quick               1 round × 5 s (~1.5 min), no journal scale
 *   npm run bench -- --rounds 5 --duration 20
 *   npm run bench -- --soak [SECONDS]      gateway RSS under setup load (default 300 s)
 *   npm run bench -- --soak-hostile [SECONDS]  good and hostile traffic mixed: errors, event-loop lag, RSS, journal (default 300 s)
 *   npm run bench -- --profile             CPU profile of 15 s of setups, summarized
 *   npm run bench -- --journal-scale       only the journal scale: support's lists over 1,000,000 sessions
 *                    [--journal-sessions N]  (a smaller volume, for a quick look at the plans)
 *
 * DATABASE_URL set: on PostgreSQL (a throw-away database on that server); else embedded. The
 * journal scale always runs on PostgreSQL: DATABASE_URL's server, else 127.0.0.1:5432.
 */
import { closeAll, openHarness } from './harness.ts'
import { DEFAULT_JOURNAL_SESSIONS, runJournalScale } from './journal-scale.ts'
import { profileDir, runProfile } from './profile.ts'
import { runRounds } from './rounds.ts'
import { runSoak } from './soak.ts'
import { METRICS_TOKEN, runHostileSoak } from './soak-hostile.ts'

export interface Options {
  mode: 'rounds' | 'soak' | 'soak-hostile' | 'profile' | 'journal-scale'
  rounds: number
  duration: number
  warmup: number
  connections: number
  soakSeconds: number
  /** The full run ends with the journal scale; --quick leaves it out. */
  journalScale: boolean
  journalSessions: number
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    mode: 'rounds', rounds: 3, duration: 10, warmup: 3, connections: 50, soakSeconds: 300, journalScale: true, journalSessions: DEFAULT_JOURNAL_SESSIONS,
  }
  const number = (flag: string, value: string | undefined, min: number) => {
    const n = Number(value)
    if (!Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number ≥ ${min}, not ${value ?? 'nothing'}`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--quick') Object.assign(o, { rounds: 1, duration: 5, warmup: 2, journalScale: false })
    else if (arg === '--rounds') o.rounds = number(arg, argv[++i], 1)
    else if (arg === '--duration') o.duration = number(arg, argv[++i], 1)
    else if (arg === '--warmup') o.warmup = number(arg, argv[++i], 0)
    else if (arg === '--connections') o.connections = number(arg, argv[++i], 1)
    else if (arg === '--profile') o.mode = 'profile'
    else if (arg === '--journal-scale') o.mode = 'journal-scale'
    else if (arg === '--journal-sessions') o.journalSessions = number(arg, argv[++i], 1000)
    else if (arg === '--soak' || arg === '--soak-hostile') {
      o.mode = arg === '--soak' ? 'soak' : 'soak-hostile'
      // The length is optional: `--soak` alone is 300 s.
      if (argv[i + 1] !== undefined && /^\d+$/.test(argv[i + 1]!)) o.soakSeconds = number(arg, argv[++i], 30)
    } else throw new Error(`unknown option ${arg} (see bench/README.md)`)
  }
  return o
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2))
  if (options.mode === 'journal-scale') return runJournalScaleClosing(options.journalSessions)
  const harness = await openHarness({
    // The profile is of a moderately loaded gateway, not a saturated one.
    connections: options.mode === 'profile' ? 10 : options.connections,
    ...(options.mode === 'rounds' ? { cartSessions: 100 } : {}),
    // The event-loop lag is read from the gateway's own /metrics (prom-client's nodejs_eventloop_lag_*).
    ...(options.mode === 'soak-hostile' ? { cartSessions: 50, gatewayEnv: { METRICS_TOKEN } } : {}),
    ...(options.mode === 'profile' ? { gatewayFlags: (scratch: string) => ['--cpu-prof', `--cpu-prof-dir=${profileDir(scratch)}`] } : {}),
  })
  try {
    if (options.mode === 'soak') return await runSoak(harness, options)
    if (options.mode === 'soak-hostile') return await runHostileSoak(harness, options)
    if (options.mode === 'profile') return await runProfile(harness)
    const status = await runRounds(harness, options)
    if (!options.journalScale) return status
    // The gateway's servers are stopped first: the scale bench wants the machine to itself.
    await harness.close()
    console.log('')
    return Math.max(status, await runJournalScaleClosing(options.journalSessions))
  } finally {
    await harness.close()
  }
}

async function runJournalScaleClosing(sessions: number): Promise<number> {
  try {
    return await runJournalScale(sessions)
  } finally {
    await closeAll()
  }
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    console.error(`\nbench failed: ${err instanceof Error ? err.message : String(err)}`)
    await closeAll()
    process.exit(1)
  },
)
