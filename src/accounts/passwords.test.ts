import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { hash } from '@node-rs/argon2'
import { dictionary } from '@zxcvbn-ts/language-common'
import { demoUsers } from './demo-users.ts'
import {
  generateOneTimePassword,
  hashPassword,
  isBreachedPassword,
  needsRehash,
  passwordProblem,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords.ts'

describe('password hashing', () => {
  it('stores an argon2id hash at the OWASP parameters, not the password', async () => {
    const password = 'correct horse battery staple'
    const stored = await hashPassword(password)
    assert.ok(!stored.includes(password))
    // PHC string: algorithm, version 19, 19 MiB, 2 passes, 1 lane (OWASP Password Storage Cheat Sheet).
    assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
  })

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple')
    assert.equal(await verifyPassword(stored, 'correct horse battery staple'), true)
    assert.equal(await verifyPassword(stored, 'correct horse battery stapl'), false)
    assert.equal(await verifyPassword(stored, 'Correct horse battery staple'), false)
  })

  it('salts: the same password hashes differently each time', async () => {
    const a = await hashPassword('correct horse battery staple')
    const b = await hashPassword('correct horse battery staple')
    assert.notEqual(a, b)
  })

  it('a malformed stored hash is a mismatch, not a crash', async () => {
    assert.equal(await verifyPassword('not a hash', 'anything at all'), false)
    assert.equal(await verifyPassword('', 'anything at all'), false)
  })

  it('the dummy check always says no', async () => {
    assert.equal(await verifyAgainstDummy('anything at all'), false)
  })

  it('asks for a rehash of a weaker hash only', async () => {
    assert.equal(needsRehash(await hashPassword('correct horse battery staple')), false)
    const weak = await hash('correct horse battery staple', { memoryCost: 4096, timeCost: 1, parallelism: 1 })
    assert.equal(needsRehash(weak), true)
    assert.equal(needsRehash('garbage'), true)
  })
})

describe('password rules', () => {
  it('refuses fewer than 12 characters, counting characters not bytes', () => {
    assert.equal(passwordProblem('elevenchars', {}), 'Password must be 12 characters or more')
    assert.equal(passwordProblem('twelve chars', {}), null)
    // 11 characters of two bytes each (22 bytes in UTF-8) is still too short.
    assert.equal(passwordProblem('ééééééééééé', {}), 'Password must be 12 characters or more')
  })

  it('allows long passwords and refuses absurd ones', () => {
    assert.equal(passwordProblem('a long passphrase '.repeat(4), {}), null) // 72 characters
    assert.equal(passwordProblem('x'.repeat(257), {})?.startsWith('Password must be 256'), true)
  })

  it('does not trim or demand character classes', () => {
    assert.equal(passwordProblem('   only lower case words   ', {}), null)
  })

  it('refuses common passwords whatever their case, and one repeated character', () => {
    assert.match(passwordProblem('Password1234', {}) ?? '', /too common/)
    assert.match(passwordProblem('WOLVERHAMPTON', {}) ?? '', /too common/)
    assert.match(passwordProblem('aaaaaaaaaaaaaaaa', {}) ?? '', /too common/)
  })

  it('refuses the email address or the name inside the password', () => {
    assert.match(passwordProblem('jane.analyst@example.org', { email: 'jane.analyst@example.org' }) ?? '', /email/)
    assert.match(passwordProblem('my jane.analyst password', { email: 'jane.analyst@example.org' }) ?? '', /email/)
    assert.match(passwordProblem('PriyaPatel2018!', { name: 'Priya Patel' }) ?? '', /name/)
  })
})

describe('breached passwords (the 10,000 most common of zxcvbn-ts passwords-common)', () => {
  // The list as the package ships it, most common first: positions below are 0-based indexes into it.
  const list = dictionary['passwords-common']
  const breachedMessage = /list of passwords stolen in data breaches/

  it('knows the usual suspects, whatever their case', () => {
    for (const password of ['password1', 'iloveyou', 'PASSWORD1', 'ILoveYou', 'trustno1', 'letmein', '123456']) {
      assert.equal(isBreachedPassword(password), true, password)
    }
    assert.equal(isBreachedPassword('maple-quartz-ribbon'), false)
  })

  it('takes the first 10,000 entries and no more', () => {
    assert.equal(list.length, 49_233)
    assert.equal(isBreachedPassword(list[0] as string), true) // '123456'
    assert.equal(isBreachedPassword(list[9_999] as string), true)
    assert.equal(isBreachedPassword(list[10_000] as string), false)
    assert.equal(isBreachedPassword(list[49_232] as string), false)
  })

  it('refuses a breached password of 12 characters or more, and says why', () => {
    // 'leavemealone', 'sonyericsson' and 'flvbybcnhfnjh' (positions 4,251, 6,439 and 9,908): long enough to pass the
    // length rule, and not on the short list of common passwords, so only the breached list refuses them.
    for (const position of [4_251, 6_439, 9_908]) {
      const password = list[position] as string
      assert.ok([...password].length >= 12, password)
      assert.match(passwordProblem(password, {}) ?? '', breachedMessage, password)
      assert.match(passwordProblem(password.toUpperCase(), {}) ?? '', breachedMessage, password)
    }
    assert.match(passwordProblem('LeaveMeAlone', {}) ?? '', breachedMessage)
  })

  it('keeps the other rules: a short breached password gets the length message', () => {
    assert.equal(passwordProblem('password1', {}), 'Password must be 12 characters or more')
    assert.equal(passwordProblem('iloveyou', {}), 'Password must be 12 characters or more')
  })

  it('accepts a long entry from beyond the first 10,000', () => {
    // Position 10,048 is '123456789987654321': in the list, but not among the 10,000 most common.
    assert.equal(list[10_048], '123456789987654321')
    assert.equal(passwordProblem(list[10_048] as string, {}), null)
  })

  it('lets the demo users keep their published passwords', () => {
    for (const demo of demoUsers) {
      assert.equal(isBreachedPassword(demo.password), false, demo.email)
      assert.equal(passwordProblem(demo.password, { email: demo.email, name: demo.name }), null, demo.email)
    }
  })
})

describe('one-time passwords', () => {
  it('are five groups of four unambiguous characters, different each time, and pass the rules', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const password = generateOneTimePassword()
      assert.match(password, /^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){4}$/)
      assert.equal(passwordProblem(password, {}), null)
      assert.equal(isBreachedPassword(password), false)
      seen.add(password)
    }
    assert.equal(seen.size, 50)
  })
})
