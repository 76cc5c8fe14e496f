import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { CaseKeyError, createCaseTextCipher, loadCaseKey } from './case-text-cipher.ts'

const KEY = randomBytes(32).toString('base64')
const AT = { partnershipId: 1, reference: 'DARDR-2017-01', field: 'circumstances' }

describe('the case text cipher', () => {
  it('seals with a random IV each time and opens with the same key and binding', () => {
    const cipher = createCaseTextCipher({ kind: 'environment', base64: KEY })
    const a = cipher.seal('Alice Canary', AT)
    const b = cipher.seal('Alice Canary', AT)
    assert.notEqual(a, b, 'a fresh IV per value')
    assert.ok(!a.includes('Alice') && !Buffer.from(a).toString('latin1').includes('Canary'))
    assert.equal(cipher.open(a, AT), 'Alice Canary')
  })

  it('refuses a value moved to another field, case or partnership', () => {
    const cipher = createCaseTextCipher({ kind: 'environment', base64: KEY })
    const sealed = cipher.seal('text', AT)
    assert.throws(() => cipher.open(sealed, { ...AT, field: 'reasons' }), CaseKeyError)
    assert.throws(() => cipher.open(sealed, { ...AT, reference: 'DARDR-2017-02' }), CaseKeyError)
    assert.throws(() => cipher.open(sealed, { ...AT, partnershipId: 2 }), CaseKeyError)
  })

  it('a wrong key is a clear error, never text', () => {
    const sealed = createCaseTextCipher({ kind: 'environment', base64: KEY }).seal('text', AT)
    const other = createCaseTextCipher({ kind: 'environment', base64: randomBytes(32).toString('base64') })
    assert.throws(() => other.open(sealed, AT), /key is not the one it was sealed with/)
    assert.throws(() => loadCaseKey({ kind: 'environment', base64: 'c2hvcnQ=' }), /must be 32 bytes/)
  })

  it('makes the key file 0600 on first use, reuses it, and refuses a missing one where it may not make it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'saferhub-case-key-'))
    try {
      const file = path.join(dir, 'case-register.key')
      const first = loadCaseKey({ kind: 'file', path: file, mayCreate: true })
      assert.equal((await stat(file)).mode & 0o777, 0o600)
      assert.equal(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').length, 32)
      assert.deepEqual(loadCaseKey({ kind: 'file', path: file, mayCreate: false }), first)
      assert.throws(
        () => loadCaseKey({ kind: 'file', path: path.join(dir, 'none.key'), mayCreate: false }),
        /key file .* is missing/,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
