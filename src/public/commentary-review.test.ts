import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { flagSmallNumbersInCommentary } from '../domain/disclosure-control.ts'
import {
  checkReview,
  commentaryHash,
  needsReview,
  publicCommentary,
  type CommentaryDecision,
  type ReviewDecision,
} from './commentary-review.ts'
import { personLabel } from './publication.ts'

const rules = { minimumCount: 5 }
// The seed report's youth custody commentary (Appendix C, Q4 2017/18): "One female" is a small number of people.
const seed =
  '7 young offenders received a custodial sentence during Q4 17/18: an increase on the previous quarter. One female received a custodial sentence.'

const decision = (kind: ReviewDecision, text: string, publicText: string | null = null): CommentaryDecision => ({
  year: 'FY2017-18',
  indicatorId: 'youth-custody',
  period: 'FY2017-18-Q4',
  textSha256: commentaryHash(text),
  decision: kind,
  publicText,
  userId: 2,
  decidedBy: 'analyst@example.org',
  decidedAt: '2018-06-01T09:00:00.000Z',
})

describe('commentary review', () => {
  it('hashes the exact text with SHA-256 (FIPS 180-2 test vectors)', () => {
    assert.equal(commentaryHash('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    assert.equal(commentaryHash(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    // One character different is a different text: a trailing full stop is enough.
    assert.notEqual(commentaryHash(seed), commentaryHash(`${seed} `))
  })

  it('names what was flagged: the number as written and the sensitive word nearest to it', () => {
    const [flag] = flagSmallNumbersInCommentary(seed, rules)
    assert.equal(flag?.token, 'One')
    assert.equal(flag?.word, 'female')
    // The seed's hate crime commentary: "1" is nearest "transgender", not "race" earlier in the sentence.
    const hate = flagSmallNumbersInCommentary(
      'This quarter there were 79 offences which were race related, 5 were homophobic with 1 transgender.',
      rules,
    )
    assert.deepEqual(
      hate.map((f) => [f.token, f.word]),
      [['1', 'transgender']],
    )
  })

  it('withholds flagged commentary until a decision about that exact text releases or rewords it', () => {
    const waiting = publicCommentary(seed, null, rules)
    assert.equal(waiting.state, 'awaiting-review')
    assert.equal(waiting.text, null)
    assert.equal(needsReview(waiting), true)

    assert.deepEqual(
      [publicCommentary(seed, decision('release', seed), rules)].map((c) => [c.state, c.text]),
      [['released', seed]],
    )
    const reworded = publicCommentary(seed, decision('reword', seed, 'Custodial sentences rose each quarter.'), rules)
    assert.deepEqual([reworded.state, reworded.text], ['reworded', 'Custodial sentences rose each quarter.'])
    const kept = publicCommentary(seed, decision('withhold', seed), rules)
    assert.deepEqual([kept.state, kept.text, needsReview(kept)], ['kept-withheld', null, true])
  })

  it('withholds again when the data owner changes the commentary after the decision', () => {
    const changed = `${seed} Two boys aged 15 were remanded.`
    const again = publicCommentary(changed, decision('release', seed), rules)
    assert.equal(again.state, 'withheld-again')
    assert.equal(again.text, null)
    assert.equal(again.decision, null)
    assert.equal(again.staleDecision?.decision, 'release')
    // A reworded text is withdrawn the same way: the wording was about the earlier text.
    assert.equal(publicCommentary(changed, decision('reword', seed, 'Sentences rose.'), rules).text, null)
  })

  it('publishes unflagged commentary as written, and does not list it for review', () => {
    const plain = 'Custodial sentences increased each quarter.'
    const shown = publicCommentary(plain, null, rules)
    assert.deepEqual([shown.state, shown.text, needsReview(shown)], ['as-written', plain, false])
    assert.equal(needsReview(publicCommentary(null, null, rules)), false)
  })

  it('withholds a stored wording that a stricter minimum count set later would flag', () => {
    const d = decision('reword', seed, 'Six women received a custodial sentence.')
    assert.equal(publicCommentary(seed, d, rules).text, 'Six women received a custodial sentence.')
    assert.equal(publicCommentary(seed, d, { minimumCount: 10 }).text, null)
  })

  it('refuses a decision about a text the reviewer did not read, a missing choice, and a wording with a small number', () => {
    const hash = commentaryHash(seed)
    const stale = checkReview(
      { textHash: commentaryHash('older text'), decision: 'release', publicText: '' },
      seed,
      rules,
    )
    assert.equal(stale.ok, false)
    assert.match(stale.ok ? '' : (stale.errors[0]?.message ?? ''), /changed since this page was opened/)

    const none = checkReview({ textHash: hash, decision: '', publicText: '' }, seed, rules)
    assert.deepEqual(none.ok ? [] : none.errors.map((e) => e.field), ['decision'])
    assert.equal(checkReview({ textHash: hash, decision: 'publish', publicText: '' }, seed, rules).ok, false)

    const empty = checkReview({ textHash: hash, decision: 'reword', publicText: '  \n ' }, seed, rules)
    assert.deepEqual(empty.ok ? [] : empty.errors.map((e) => [e.field, e.message]), [
      ['publicText', 'Enter the wording to publish'],
    ])
    const small = checkReview(
      { textHash: hash, decision: 'reword', publicText: 'Two girls were sentenced.' },
      seed,
      rules,
    )
    assert.deepEqual(small.ok ? [] : small.errors.map((e) => e.field), ['publicText'])
    assert.match(small.ok ? '' : (small.errors[0]?.message ?? ''), /“Two” beside “girls”/)
    const long = checkReview({ textHash: hash, decision: 'reword', publicText: 'a'.repeat(2001) }, seed, rules)
    assert.match(long.ok ? '' : (long.errors[0]?.message ?? ''), /2,000 characters or fewer/)
    const hidden = checkReview(
      { textHash: hash, decision: 'reword', publicText: 'Rose\u202Eeach quarter' },
      seed,
      rules,
    )
    assert.match(hidden.ok ? '' : (hidden.errors[0]?.message ?? ''), /control characters/)
  })

  it('accepts a release, a withholding, and a clean wording (trimmed, line ends made plain)', () => {
    const hash = commentaryHash(seed)
    assert.deepEqual(checkReview({ textHash: hash, decision: 'release', publicText: 'ignored' }, seed, rules), {
      ok: true,
      decision: 'release',
      publicText: null,
    })
    assert.deepEqual(checkReview({ textHash: hash, decision: 'withhold', publicText: '' }, seed, rules), {
      ok: true,
      decision: 'withhold',
      publicText: null,
    })
    assert.deepEqual(
      checkReview(
        { textHash: hash, decision: 'reword', publicText: '  Sentences rose.\r\nEach quarter.  ' },
        seed,
        rules,
      ),
      { ok: true, decision: 'reword', publicText: 'Sentences rose.\nEach quarter.' },
    )
  })

  it('names people by email only for those who may see emails', () => {
    const ann = { actor: 'ann@example.org', userId: 2 }
    const person = { name: 'Ann Lee', roleName: 'Partnership analyst' }
    assert.equal(personLabel(ann, person, true), 'ann@example.org')
    assert.equal(personLabel(ann, person, false), 'Ann Lee (Partnership analyst)')
    assert.equal(personLabel(ann, null, false), 'A former user')
    assert.equal(personLabel({ actor: 'demo-data', userId: null }, null, false), 'demo-data')
    assert.equal(personLabel({ actor: 'bob@example.org', userId: null }, null, false), 'A former user')
  })
})
