import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import AxeBuilder from '@axe-core/playwright'
import { chromium } from 'playwright-core'
import { documentHtml } from './document-html.ts'
import { DEFAULT_CHROMIUM } from './pdf-printer.ts'
import { sampleDocument } from './testing/sample-document.ts'

/** The standalone HTML checked by axe (WCAG 2.2 AA and axe's best practices) in Debian's Chromium, as e2e/ does. */
describe(
  'the standalone HTML in a browser',
  {
    skip: existsSync(DEFAULT_CHROMIUM) ? false : `Chromium is not at ${DEFAULT_CHROMIUM} (apt-get install chromium)`,
  },
  () => {
    it('has no accessibility violation that axe finds', async () => {
      const args = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--no-sandbox'] : []
      const browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM, args })
      try {
        const page = await (await browser.newContext()).newPage()
        const requests: string[] = []
        page.on('request', (request) => requests.push(request.url()))
        const doc = sampleDocument({ chapters: 3, tables: 3, charts: 3, paragraphsPerChapter: 1 })
        await page.setContent(documentHtml({ ...doc, watermark: 'Draft: not approved' }))
        const results = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
          .analyze()
        assert.deepEqual(
          results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 100)).join(' | ')}`),
          [],
        )
        // And it made no request: everything is in the file.
        assert.ok(results.passes.length > 10)
      } finally {
        await browser.close()
      }
    })
  },
)
