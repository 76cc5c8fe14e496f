import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { assuranceIcon, sparkline, variationIcon } from './kpi-icons.ts'

describe('Making Data Count icons', () => {
  it('name their meaning in words, and differ in more than colour', () => {
    const concern = variationIcon('special-cause-concern')
    const improvement = variationIcon('special-cause-improvement')
    assert.match(concern, /role="img" aria-label="Special cause variation: concern"/)
    assert.match(concern, /<title>Special cause variation: concern<\/title>/)
    assert.match(concern, />C<\/text>/)
    assert.match(improvement, />I<\/text>/)
    assert.match(variationIcon('common-cause'), /aria-label="Common cause variation: no significant change"/)
    assert.match(assuranceIcon('consistently-met'), /aria-label="Target consistently met"[^]*>P<\/text>/)
    assert.match(assuranceIcon('consistently-missed'), /aria-label="Target consistently missed"[^]*>F<\/text>/)
    assert.match(assuranceIcon('inconsistent'), />\?<\/text>/)
  })
})

describe('sparkline', () => {
  it('lists every figure with its period in its accessible name', () => {
    const svg = sparkline({
      id: 'knife',
      name: 'Knife crime',
      points: [
        { label: '2017/18 Q1', value: 1495, display: '1,495' },
        { label: '2017/18 Q2', value: null, display: 'not available' },
        { label: '2017/18 Q3', value: 1500, display: '1,500' },
      ],
    })
    assert.ok(svg)
    assert.match(
      svg,
      /role="img" aria-label="Knife crime: 2017\/18 Q1 1,495, 2017\/18 Q2 not available, 2017\/18 Q3 1,500"/,
    )
    // A gap is a gap: the line starts again after it (two moves), never drawn through zero.
    assert.equal(svg.match(/[M]/g)?.length, 2)
  })

  it('escapes a hostile name, and is absent when there is nothing to draw', () => {
    const svg = sparkline({ id: 'x', name: '<script>"', points: [{ label: 'Q1', value: 3, display: '3' }] })
    assert.ok(svg)
    assert.doesNotMatch(svg, /<script>/)
    assert.equal(
      sparkline({ id: 'x', name: 'n', points: [{ label: 'Q1', value: null, display: 'not available' }] }),
      null,
    )
  })
})
