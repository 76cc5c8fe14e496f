import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { TestBrowser } from '../accounts/web/test-client.ts'

/**
 * What a reader sees: the page's text between tags (a `<time datetime="…">` attribute is for machines). The audit
 * trail's "before and after" blocks (`<pre>`) show each record exactly as stored, on purpose, and are left out.
 */
function visibleText(html: string): string {
  return html
    .replace(/<script[^]*?<\/script>/g, '')
    .replace(/<pre[^]*?<\/pre>/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
}

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/
// "7 December 2026, 2:33am": the one format of src/shared/time-in-words.ts.
const IN_WORDS =
  /\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, (\d{1,2}:\d{2}[ap]m|midday|midnight)/

describe('times on pages', () => {
  let app: RunningApp
  before(async () => {
    app = await startDemoApp()
  })
  after(() => app.stop())

  it('are in words in England’s time on the publication, audit trail, returns and KPI pages: never ISO', async () => {
    const analyst = await app.signedIn('partnership-analyst')
    const board = await app.signedIn('board-member')
    const token = (b: TestBrowser) => b.csrfTokenOf('/account/change-password')
    // The demo year is published already: this is an amendment, which needs its reason.
    const reason = 'Times in words (test)'
    assert.equal(
      (await analyst.post('/publication/2017-18/publish', { _csrf: await token(analyst), reason })).status,
      303,
    )
    assert.equal((await board.post('/publication/2017-18/sign-off', { _csrf: await token(board), reason })).status, 303)

    const admin = await app.signedIn('administrator')
    const publication = await (await admin.get('/publication/2017-18')).text()
    // Published, with both approvals, each at a time in words.
    assert.match(visibleText(publication), new RegExp(`Published ${IN_WORDS.source}`))
    assert.ok((visibleText(publication).match(new RegExp(IN_WORDS.source, 'g')) ?? []).length >= 3)

    for (const path of ['/publication/2017-18', '/audit', '/returns', '/kpis/knife-crime', '/admin/api-tokens']) {
      let response = await admin.get(path)
      // The returns page sends one on to the current quarter's.
      if (response.status === 303) response = await admin.get(response.headers.get('location') ?? '')
      assert.equal(response.status, 200, path)
      const text = visibleText(await response.text())
      assert.doesNotMatch(text, ISO_INSTANT, path)
    }
    assert.match(visibleText(await (await admin.get('/audit')).text()), IN_WORDS)
  })
})
