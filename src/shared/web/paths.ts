import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)

/** govuk-frontend's `dist` folder (templates under `govuk/`, compiled CSS and JS in `govuk/`). */
export const govukFrontendDist = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist')

/** The web application's own templates and assets (src/web/). */
export const webDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web')
export const webViews = path.join(webDirectory, 'views')
export const webAssets = path.join(webDirectory, 'assets')

/** The report templates live with the report code. */
export const reportViews = path.join(webDirectory, '..', 'reports', 'views')

/** The installed govuk-frontend's version, for cache-busting its script's URL. */
export const govukFrontendVersion = (require('govuk-frontend/package.json') as { version: string }).version
