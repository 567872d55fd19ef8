/**
 * Headers for a stored file handed back as a download (docs/api.md, "Order attachments"): never
 * rendered by the browser whatever its type claims — `attachment`, and no content sniffing.
 */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/

export function attachmentHeaders(file: { id: string; fileName?: string | null; contentType: string }): Record<string, string> {
  const type = file.contentType.split(';')[0]!.trim().toLowerCase()
  const name = file.fileName?.trim() || `attachment-${file.id}`
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_')
  return {
    'content-type': MEDIA_TYPE.test(type) ? type : 'application/octet-stream',
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(name)}`,
    'x-content-type-options': 'nosniff',
  }
}

/** Percent-encoding for `filename*` (RFC 5987): encodeURIComponent leaves ' ( ) * as they are. */
const rfc5987 = (value: string): string => encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
