import { EntitySchema } from '@mikro-orm/core'

/** An assertion signing key. Retired keys stay published until their tokens cannot be live. */
export class SigningKey {
  kid!: string
  algorithm!: string
  /** The PKCS#8 PEM, sealed with the server key (`sealed:v1:…`, docs/operations.md, "Keys at rest"). */
  privateKeyPem!: string
  publicJwk!: Record<string, unknown>
  createdAt!: Date
  retiredAt?: Date | null
}

export const SigningKeySchema = new EntitySchema<SigningKey>({
  class: SigningKey,
  tableName: 'signing_keys',
  properties: {
    kid: { type: 'string', length: 64, primary: true },
    algorithm: { type: 'string', length: 10 },
    privateKeyPem: { type: 'text' },
    publicJwk: { type: 'json' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    retiredAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
})
