/** Shared bits for the cXML protocol tests: fixture loading and a small document template. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import { isPunchgateError } from '../../../src/errors/index.ts'
import type { ErrorCode } from '../../../src/errors/index.ts'

export const fixture = (name: string): Buffer =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/cxml/${name}`, import.meta.url)))

export const HEADER = `<Header>
    <From><Credential domain="NetworkID"><Identity>buyer-anid</Identity></Credential></From>
    <To><Credential domain="DUNS"><Identity>123456789</Identity></Credential></To>
    <Sender>
      <Credential domain="NetworkID"><Identity>buyer-anid</Identity><SharedSecret>s3cret</SharedSecret></Credential>
      <UserAgent>Test Buyer 1.0</UserAgent>
    </Sender>
  </Header>`

export const SETUP = `<PunchOutSetupRequest operation="create">
      <BuyerCookie>cookie-1</BuyerCookie>
      <BrowserFormPost><URL>https://buyer.example/return</URL></BrowserFormPost>
    </PunchOutSetupRequest>`

/** A cXML request document with replaceable parts (strings are inserted verbatim). */
export function cxmlDoc(parts: { rootAttrs?: string; header?: string; request?: string; requestAttrs?: string; body?: string } = {}): string {
  const rootAttrs = parts.rootAttrs ?? 'payloadID="1.2.3@buyer.example" timestamp="2024-05-01T10:00:00+02:00" xml:lang="en-US"'
  const body = parts.body ?? `<Request${parts.requestAttrs ?? ''}>
    ${parts.request ?? SETUP}
  </Request>`
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML ${rootAttrs}>
  ${parts.header ?? HEADER}
  ${body}
</cXML>
`
}

/** Assert that `fn` throws a PunchgateError with `code` and (optionally) a message matching `message`. */
export function assertRefused(t: Test, fn: () => unknown, code: ErrorCode, message?: RegExp, name?: string): void {
  try {
    fn()
    t.fail(`${name ?? code}: expected a refusal, got a result`)
  } catch (error) {
    if (!isPunchgateError(error)) {
      t.fail(`${name ?? code}: expected PunchgateError, got ${String(error)}`)
      return
    }
    t.equal(error.code, code, `${name ?? code}: code ${code} (${error.message})`)
    if (message !== undefined) t.match(error.message, message, `${name ?? code}: message says what to fix`)
    // Messages are for people: no stack frames, no library file names.
    t.notMatch(error.message, /node_modules|\bat \w+ \(|\.js:\d+/, `${name ?? code}: message carries no internals`)
  }
}
