import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fixtureDirectory } from '../../../test/support/ons-fixtures.ts'
import { FORCE_LEVEL, NameMatcher, normaliseName } from './name-matching.ts'

describe('normaliseName', () => {
  it('folds case, white space (including non-breaking spaces), "&" and note markers', () => {
    assert.equal(normaliseName('  Unassigned Devon & Cornwall '), 'unassigned devon and cornwall')
    assert.equal(normaliseName('Bristol,\u00a0City  of'), 'bristol, city of')
    assert.equal(normaliseName('Leicestershire [note 4]'), 'leicestershire')
    assert.equal(normaliseName('King\u2019s Lynn and West Norfolk'), "king's lynn and west norfolk")
  })
})

describe('NameMatcher over the ONS lookup (December 2023)', () => {
  const directory = fixtureDirectory()
  const matcher = new NameMatcher(directory)
  const gwent = 'W15000002'
  const kent = 'E23000032'

  it('matches names whatever their case and spacing, within the force', () => {
    assert.deepEqual(matcher.partnership('newport', gwent), { kind: 'partnership', code: 'W14000022', via: 'name' })
    assert.deepEqual(matcher.partnership(' NEWPORT  ', gwent), { kind: 'partnership', code: 'W14000022', via: 'name' })
    assert.deepEqual(matcher.partnership('Barrow-In-Furness', 'E23000002'), {
      kind: 'partnership',
      code: 'E22000032',
      via: 'name',
    })
  })

  it('reads force names as the tables spell them', () => {
    assert.equal(matcher.force('Devon and Cornwall'), 'E23000035')
    assert.equal(matcher.force('Devon & Cornwall'), 'E23000035')
    assert.equal(matcher.force('City of London'), 'E23000034')
    assert.equal(matcher.force('Wiltshire '), 'E23000038')
    assert.equal(matcher.force('Atlantis'), null)
  })

  it('reads "Unassigned <force>" as the force\'s unassigned crimes', () => {
    assert.deepEqual(matcher.partnership('Unassigned Devon and Cornwall ', 'E23000035'), {
      kind: 'unassigned',
      forceCode: 'E23000035',
    })
    assert.deepEqual(matcher.partnership('unassigned Surrey', null), { kind: 'unassigned', forceCode: 'E23000031' })
  })

  it('uses the documented alias for Folkestone and Hythe (Shepway, E22000145)', () => {
    assert.deepEqual(matcher.partnership('Folkestone and Hythe', kent), {
      kind: 'partnership',
      code: 'E22000145',
      via: 'alias',
    })
  })

  it('lists what it cannot match instead of guessing', () => {
    const airport = matcher.partnership('Manchester Airport', 'E23000005')
    assert.equal(airport.kind, 'unmatched')
    const typo = matcher.partnership('Wolverhamton', 'E23000014')
    assert.equal(typo.kind, 'unmatched')
    assert.match(typo.kind === 'unmatched' ? typo.reason : '', /no partnership is called "Wolverhamton"/)
  })

  it('refuses a partnership found under another force', () => {
    const m = matcher.partnership('Newport', 'E23000014')
    assert.equal(m.kind, 'unmatched')
    assert.match(m.kind === 'unmatched' ? m.reason : '', /in Gwent, not in this row's force/)
  })

  it("takes the user's aliases, including areas counted at force level", () => {
    const withAliases = new NameMatcher(directory, {
      aliases: new Map([
        ['Manchester Airport', FORCE_LEVEL],
        ['Wolves', 'E22000341'],
      ]),
    })
    assert.deepEqual(withAliases.partnership('manchester airport', 'E23000005'), {
      kind: 'force-level',
      forceCode: 'E23000005',
    })
    assert.deepEqual(withAliases.partnership('Wolves', 'E23000014'), {
      kind: 'partnership',
      code: 'E22000341',
      via: 'alias',
    })
    // An alias pointing into another force is refused, not obeyed.
    assert.equal(withAliases.partnership('Wolves', gwent).kind, 'unmatched')
  })
})
