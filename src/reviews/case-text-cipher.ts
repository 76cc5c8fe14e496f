import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, openSync, readFileSync, writeSync, closeSync, existsSync } from 'node:fs'
import path from 'node:path'

/**
 * Encryption at rest of a death review's free text (circumstances, reasons, statements, notes, recommendations):
 * AES-256-GCM with a random 96-bit IV per value. The associated data binds each ciphertext to its partnership, case
 * and field, so a value copied to another row, case or partnership fails to decrypt rather than showing in the wrong
 * place. The key never enters the database: it comes from `SAFERHUB_CASE_KEY` (base64 of 32 bytes) or a key file
 * outside the database (`<data dir>/case-register.key`, made with mode 0600 on first use outside production).
 *
 * Stored form: `v1.<iv base64>.<tag base64>.<ciphertext base64>`.
 */
export interface CaseTextCipher {
  seal(text: string, binding: TextBinding): string
  /** The text, or throws `CaseKeyError` when the key is wrong or the value was moved or altered. */
  open(sealed: string, binding: TextBinding): string
}

/** What a value belongs to: its partnership, its case (by reference) and its field (e.g. `circumstances`). */
export interface TextBinding {
  readonly partnershipId: number
  readonly reference: string
  readonly field: string
}

/** The key is missing, malformed, or not the one the text was sealed with: nothing is shown. */
export class CaseKeyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CaseKeyError'
  }
}

export const CASE_KEY_FILE = 'case-register.key'

/** Where the key comes from: the environment, a file, or (tests with no data directory only) this process alone. */
export type CaseKeySource =
  | { readonly kind: 'environment'; readonly base64: string }
  | { readonly kind: 'file'; readonly path: string; readonly mayCreate: boolean }
  | { readonly kind: 'process' }

function decodeKey(base64: string, where: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64')
  if (key.length !== 32) throw new CaseKeyError(`The case register's key (${where}) must be 32 bytes, base64-encoded`)
  return key
}

let processKey: Buffer | undefined

/** Reads (or, where allowed, makes) the key. Read once, when a case's text is first sealed or opened. */
export function loadCaseKey(source: CaseKeySource): Buffer {
  if (source.kind === 'environment') return decodeKey(source.base64, 'SAFERHUB_CASE_KEY')
  // One key for the whole process, so that every set of services a test builds over one database reads the others'.
  if (source.kind === 'process') return (processKey ??= randomBytes(32))
  if (!existsSync(source.path)) {
    if (!source.mayCreate) {
      throw new CaseKeyError(
        `The case register's key file ${source.path} is missing: set SAFERHUB_CASE_KEY or restore it`,
      )
    }
    mkdirSync(path.dirname(source.path), { recursive: true })
    // 'wx': never overwrite a key another process has just made (the text sealed with it would be lost).
    try {
      const fd = openSync(source.path, 'wx', 0o600)
      writeSync(fd, `${randomBytes(32).toString('base64')}\n`)
      closeSync(fd)
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
    }
    chmodSync(source.path, 0o600)
  }
  return decodeKey(readFileSync(source.path, 'utf8'), source.path)
}

function associatedData(binding: TextBinding): Buffer {
  return Buffer.from(`saferhub-case-text|${binding.partnershipId}|${binding.reference}|${binding.field}`, 'utf8')
}

/**
 * A cipher over the key `source` gives, read lazily (a partnership with no case never needs the key).
 *
 * @example
 *   const cipher = createCaseTextCipher({ kind: 'environment', base64: process.env.SAFERHUB_CASE_KEY! })
 *   const sealed = cipher.seal('text', { partnershipId: 1, reference: 'DARDR-2017-01', field: 'circumstances' })
 */
export function createCaseTextCipher(source: CaseKeySource | (() => Buffer)): CaseTextCipher {
  let key: Buffer | null = null
  const keyOf = () => (key ??= typeof source === 'function' ? source() : loadCaseKey(source))
  return {
    seal(text, binding) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', keyOf(), iv)
      cipher.setAAD(associatedData(binding))
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()])
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.')
    },
    open(sealed, binding) {
      const parts = sealed.split('.')
      if (parts.length !== 4 || parts[0] !== 'v1') throw new CaseKeyError('A case text is not in the sealed form')
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyOf(), Buffer.from(parts[1] ?? '', 'base64'))
        decipher.setAAD(associatedData(binding))
        decipher.setAuthTag(Buffer.from(parts[2] ?? '', 'base64'))
        return Buffer.concat([decipher.update(Buffer.from(parts[3] ?? '', 'base64')), decipher.final()]).toString(
          'utf8',
        )
      } catch (error) {
        if (error instanceof CaseKeyError) throw error
        throw new CaseKeyError(
          "A case's text cannot be decrypted: the case register's key is not the one it was sealed with, or the value was altered or moved",
        )
      }
    },
  }
}
