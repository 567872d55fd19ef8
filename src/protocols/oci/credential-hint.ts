/**
 * The USERNAME and PASSWORD an OCI login call presents, read without the full login parse: it
 * keys a rate limit (docs/operations.md, "Rate limits"), so it must be cheap and stable per
 * caller, not exact. Names match case-insensitively and the form body wins over the query, as
 * in the login parse (docs/oci.md, "Buyer-system quirks").
 */
export interface OciCredentialHint {
  username: string
  password: string
}

export function ociCredentialHint(rawQuery: string, body: Buffer | undefined): OciCredentialHint | undefined {
  const fields = new Map<string, string>()
  // The body is read byte by byte: form-encoding keeps it ASCII, and any other byte maps to the same key every time.
  for (const source of [rawQuery, body?.toString('latin1') ?? '']) {
    const seen = new Set<string>()
    for (const [name, value] of new URLSearchParams(source)) {
      const key = name.trim().toUpperCase()
      if ((key !== 'USERNAME' && key !== 'PASSWORD') || seen.has(key)) continue
      seen.add(key)
      fields.set(key, value)
    }
  }
  const username = fields.get('USERNAME')?.trim()
  return username ? { username, password: fields.get('PASSWORD') ?? '' } : undefined
}
