/**
 * Content-Transfer-Encoding of a MIME part (RFC 2045 section 6): identity for 7bit, 8bit and
 * binary; base64 and quoted-printable decoded. Anything else is refused rather than stored as is.
 */
import { PunchgateError } from '../../errors/index.ts'

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

export function decodeTransfer(content: Buffer, encoding: string | undefined, where: string): Buffer {
  const name = (encoding ?? '7bit').trim().toLowerCase()
  switch (name) {
    case '7bit':
    case '8bit':
    case 'binary':
      return content
    case 'base64':
      return base64(content, where)
    case 'quoted-printable':
      return quotedPrintable(content)
    default:
      throw new PunchgateError('PG_ERR_MULTIPART_INVALID', `${where} has Content-Transfer-Encoding "${name.slice(0, 40)}"; use binary, 8bit, 7bit, base64 or quoted-printable.`)
  }
}

function base64(content: Buffer, where: string): Buffer {
  const text = content.toString('latin1').replace(/[\r\n\t ]/g, '')
  if (!BASE64.test(text) || text.length % 4 === 1) throw new PunchgateError('PG_ERR_MULTIPART_INVALID', `${where} is declared base64 but holds characters outside the base64 alphabet.`)
  return Buffer.from(text, 'base64')
}

/** `=XX` is a byte, `=` at a line's end a soft break; other bytes stand for themselves. */
function quotedPrintable(content: Buffer): Buffer {
  const text = content.toString('latin1').replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '')
  return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1')
}
