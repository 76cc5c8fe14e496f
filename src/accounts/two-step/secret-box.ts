import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Authenticator secrets at rest: AES-256-GCM under a key derived with HKDF-SHA-256 from `SESSION_SECRET`, so that
 * a copy of the database alone (a backup, a dump) does not give anyone the secrets that make codes. The secret is
 * bound to its user by the additional authenticated data, so a sealed secret copied onto another user's row does
 * not open. Rotating `SESSION_SECRET` makes every stored secret unreadable: those users sign in with a recovery code
 * and set two-step sign-in up again, or an administrator resets it (README.md, docs/architecture.md).
 *
 * Sealed form: `v1.<iv>.<ciphertext>.<tag>`, each part base64url; a 96-bit random IV per seal (NIST SP 800-38D).
 */
export interface SecretBox {
  seal(plaintext: Uint8Array, context: string): string
  /** The plaintext, or null when the sealed text was altered, belongs to another context, or another key sealed it. */
  open(sealed: string, context: string): Buffer | null
}

const VERSION = 'v1'
/** Fixed HKDF inputs: a different `info` gives an unrelated key, so this key is never the cookie-signing one. */
const HKDF_SALT = 'saferhub two-step sign-in'
const HKDF_INFO = 'authenticator secret encryption v1'

/**
 * A secret box under a key derived from the application secret.
 *
 * @example
 *   const box = createSecretBox(config.sessionSecret)
 *   const sealed = box.seal(secret, 'user:7')
 *   box.open(sealed, 'user:7') // the secret; box.open(sealed, 'user:8') // null
 */
export function createSecretBox(applicationSecret: string): SecretBox {
  if (!applicationSecret) throw new Error('The two-step secret box needs a non-empty application secret')
  const key = Buffer.from(hkdfSync('sha256', applicationSecret, HKDF_SALT, HKDF_INFO, 32))
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(context, 'utf8'))
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
      const tag = cipher.getAuthTag()
      return [VERSION, iv, ciphertext, tag].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.')
    },
    open(sealed, context) {
      const parts = sealed.split('.')
      if (parts.length !== 4 || parts[0] !== VERSION) return null
      const [iv, ciphertext, tag] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'))
      if (!iv || !ciphertext || !tag || iv.length !== 12 || tag.length !== 16) return null
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 })
        decipher.setAAD(Buffer.from(context, 'utf8'))
        decipher.setAuthTag(tag)
        return Buffer.concat([decipher.update(ciphertext), decipher.final()])
      } catch {
        // GCM's tag check failed: altered, another context, or another key. Never a partial plaintext.
        return null
      }
    },
  }
}
