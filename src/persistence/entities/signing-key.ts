import { EntitySchema } from '@mikro-orm/core'

/**
 * An assertion signing key. Retired keys stay published until their tokens cannot be live; their
 * private part is erased when they are retired (docs/operations.md, "Key rotation").
 */
export class SigningKey {
  kid!: string
  algorithm!: string
  /**
   * The PKCS#8 PEM, sealed with the server key (`sealed:v1:…`, docs/operations.md, "Keys at rest");
   * null once the key is retired: it never signs again.
   */
  privateKeyPem?: string | null
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
    privateKeyPem: { type: 'text', nullable: true },
    publicJwk: { type: 'json' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    retiredAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
})
