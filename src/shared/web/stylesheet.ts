import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { govukFrontendDist, reportViews, webAssets } from './paths.ts'

/** The partnership's own type: whatever the reader's system uses. GDS Transport is licensed for GOV.UK only. */
export const SYSTEM_FONT_STACK = 'system-ui,-apple-system,"Segoe UI",Arial,sans-serif'

/**
 * govuk-frontend's compiled CSS made fit for a service that is not GOV.UK, as its Sass settings would
 * (`$govuk-font-family` set to the system stack, `$govuk-include-default-font-face: false`) without a Sass build:
 * - the GDS Transport `@font-face` rules and their licence comment are removed, and every
 *   `GDS Transport,arial,sans-serif` becomes the system font stack;
 * - every `url(…)` (the crown crest of the footer's copyright logo) becomes `none`, so the CSS refers to nothing
 *   outside itself and can be inlined into a standalone, offline report as it is.
 * Then our own rules follow (src/web/assets/app.css and src/reports/views/report.css).
 */
export function adaptGovukCss(css: string): string {
  const adapted = css
    .replace(/\/\*![^*]*GDS Transport[^*]*\*\//g, '')
    .replace(/\/\*! Copyright \(c\) 2011 by Margaret Calvert[^*]*\*\//g, '')
    .replace(/@font-face\{[^}]*\}/g, '')
    .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '')
    .replace(/font-family:"?GDS Transport"?,arial,sans-serif/g, `font-family:${SYSTEM_FONT_STACK}`)
    // Only image properties are left (background-image, mask-image), and `none` is valid for each.
    .replace(/url\([^)]*\)/g, 'none')
  if (/GDS Transport|url\(/.test(adapted)) {
    // A new govuk-frontend release has a font or image reference this function does not know: fail loudly.
    throw new Error('govuk-frontend CSS still refers to GDS Transport or an external url(): update adaptGovukCss')
  }
  return adapted
}

let cached: { css: string; version: string } | null = null

/** The whole stylesheet (adapted govuk-frontend + ours), built once per process. */
export function partnershipStylesheet(): { css: string; version: string } {
  if (cached) return cached
  const govuk = fs.readFileSync(path.join(govukFrontendDist, 'govuk', 'govuk-frontend.min.css'), 'utf8')
  const ours = [path.join(webAssets, 'app.css'), path.join(reportViews, 'report.css')]
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n')
  const css = `${adaptGovukCss(govuk)}\n/* saferhub */\n${ours}`
  cached = { css, version: createHash('sha256').update(css).digest('hex').slice(0, 12) }
  return cached
}
