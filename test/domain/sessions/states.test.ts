import t from 'tap'
import { SESSION_TRANSITIONS, nextStatus, statusesAllowing, type SessionTransition } from '../../../src/domain/sessions/states.ts'
import type { SessionStatus } from '../../../src/persistence/entities/index.ts'

const STATUSES: Array<SessionStatus | 'new'> = ['new', 'provisioned', 'started', 'cart_returned', 'ordered', 'failed', 'expired']

/** Every session state change the gateway makes, written out: the table must say exactly this. */
const EXPECTED: Record<SessionTransition, Partial<Record<SessionStatus | 'new', SessionStatus>>> = {
  provision: { new: 'provisioned' },
  refuse: { new: 'failed', provisioned: 'failed' },
  start: { provisioned: 'started' },
  expire: { provisioned: 'expired' },
  returnCart: { started: 'cart_returned', cart_returned: 'cart_returned' },
  answerInBackground: { provisioned: 'cart_returned' },
  order: { cart_returned: 'ordered', ordered: 'ordered' },
  orderOnBehalf: { started: 'ordered' },
}

t.test('the transition table holds exactly the expected changes', async (t) => {
  t.same(Object.keys(SESSION_TRANSITIONS).sort(), Object.keys(EXPECTED).sort())
  for (const [transition, allowed] of Object.entries(EXPECTED) as Array<[SessionTransition, Record<string, SessionStatus>]>) {
    for (const from of STATUSES) {
      if (allowed[from]) {
        t.equal(nextStatus(from, transition), allowed[from], `${transition} from ${from}`)
      } else {
        t.throws(() => nextStatus(from, transition), { code: 'PG_ERR_SESSION_STATE' }, `${transition} is refused from ${from}`)
      }
    }
  }
})

t.test('statusesAllowing names the stored statuses a transition leaves from (the WHERE of a conditional write)', async (t) => {
  t.same(statusesAllowing('returnCart').sort(), ['cart_returned', 'started'])
  t.same(statusesAllowing('start'), ['provisioned'])
  t.same(statusesAllowing('provision'), [], 'a new session is not a stored status')
})

t.test('a refused transition says what the session is, in words', async (t) => {
  t.throws(() => nextStatus('cart_returned', 'start'), { message: /cart returned cannot be started/ })
  t.throws(() => nextStatus('failed', 'returnCart', 'custom text'), { message: 'custom text' })
})
