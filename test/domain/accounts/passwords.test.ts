import t from 'tap'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../../../src/domain/accounts/passwords.ts'

/** Agent password hashes (src/domain/accounts/passwords.ts): scrypt with its salt and parameters in the hash. */

t.test('a hash verifies its password only', async (t) => {
  const hash = await hashPassword('correct horse battery staple')
  t.match(hash, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
  t.equal(await verifyPassword('correct horse battery staple', hash), true)
  t.equal(await verifyPassword('correct horse battery stapl', hash), false)
  t.not(await hashPassword('correct horse battery staple'), hash, 'a fresh salt each time')
})

t.test('the same text verifies however its accents were composed (NFC)', async (t) => {
  const hash = await hashPassword('caf\u00e9 au lait, s\u00fcr')
  t.equal(await verifyPassword('cafe\u0301 au lait, su\u0308r', hash), true)
})

t.test('a damaged or too costly stored hash verifies nothing, without throwing', async (t) => {
  for (const stored of ['', 'bcrypt$2b$10$x', 'scrypt$3$8$1$c2FsdA$a2V5', 'scrypt$1048576$32$1$c2FsdA$a2V5', 'scrypt$16384$8$99$c2FsdA$a2V5', 'scrypt$16384$8$1$$']) {
    t.equal(await verifyPassword('anything at all', stored), false, stored)
  }
})

t.test('the dummy hash has the current parameters and matches nothing', async (t) => {
  t.match(DUMMY_PASSWORD_HASH, /^scrypt\$32768\$8\$1\$/)
  t.equal(await verifyPassword('', DUMMY_PASSWORD_HASH), false)
})
