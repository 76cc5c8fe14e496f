import assert from 'node:assert/strict'
import { test } from 'node:test'
import { returnPathWithin } from './board-decisions.ts'

const fallback = '/p/wolves/board/meetings'

test('a page of the same partnership is returned to, with its query', () => {
  assert.equal(
    returnPathWithin('/p/wolves/funding?year=FY2017-18', '/p/wolves', fallback),
    '/p/wolves/funding?year=FY2017-18',
  )
  assert.equal(returnPathWithin('/p/wolves/plan/strategies/3', '/p/wolves', fallback), '/p/wolves/plan/strategies/3')
  // A single partnership served at the root: every local page is under it.
  assert.equal(
    returnPathWithin('/returns/FY2017-18-Q3/signed-off', '', '/board/meetings'),
    '/returns/FY2017-18-Q3/signed-off',
  )
})

test('another site, another partnership, or a path that climbs out goes to the fallback', () => {
  for (const returnTo of [
    '//evil.example/p/wolves/funding',
    'https://evil.example/p/wolves/funding',
    '/p/wolves//evil.example',
    '/p/dudley/funding',
    '/p/wolvesx/funding',
    '/p/wolves/../dudley/funding',
    '/p/wolves/funding#top',
    '/p/wolves\\evil',
    '',
    'p/wolves/funding',
  ])
    assert.equal(returnPathWithin(returnTo, '/p/wolves', fallback), fallback, returnTo)
})
