import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { checkOwnerCommentary } from './commentary-check.ts'
import { domesticAbuse, knifeCrime, youthCustody } from './fixture-report.ts'

describe('checkOwnerCommentary', () => {
  it('flags the seed report’s knife crime error: 30 on 191 is 15.7%, not 16.5%', () => {
    const row = {
      ...knifeCrime,
      ownerCommentary:
        'This indicator has a new baseline of 221 which is 30 offences more than last year, which is an increase of 16.5% at the year end.',
    }
    assert.deepEqual(checkOwnerCommentary(row), [
      { quoted: '16.5%', message: 'The commentary says 16.5%, but the figures give +30 (+15.7%) on the baseline.' },
    ])
  })

  it('accepts a change the figures support, rounded or truncated', () => {
    for (const said of ['an increase of 15.7%', 'a 16% increase', 'up 15.70%', 'rose by 15%']) {
      // 15% is 15.7 truncated to whole numbers: within one unit of the last digit written.
      assert.deepEqual(checkOwnerCommentary({ ...knifeCrime, ownerCommentary: `Offences ${said}.` }), [], said)
    }
  })

  it('leaves percentages that are not about a change alone', () => {
    const row = { ...knifeCrime, ownerCommentary: 'All offenders were aged 10 to 17, 50% of them aged 15 or 16.' }
    assert.deepEqual(checkOwnerCommentary(row), [])
  })

  it('accepts shares and proportions the row holds', () => {
    // Domestic abuse Q4 2017/18 share 50.8%; youth custody 2017/18 Q4 is 15.2% (7/46).
    assert.deepEqual(
      checkOwnerCommentary({ ...domesticAbuse, ownerCommentary: 'Recordable offences rose to 50.8%.' }),
      [],
    )
    assert.deepEqual(
      checkOwnerCommentary({ ...youthCustody, ownerCommentary: 'Custody increased to 15.2% in Q4.' }),
      [],
    )
  })

  it('says nothing without commentary', () => {
    assert.deepEqual(checkOwnerCommentary({ ...knifeCrime, ownerCommentary: null }), [])
  })
})
