import nunjucks from 'nunjucks'
import { OGL_ATTRIBUTION, OGL_URL } from '../open-government-licence.ts'
import { dateInWords, timeInWords } from '../time-in-words.ts'
import { govukFrontendDist, reportViews, webViews } from './paths.ts'
import {
  accountViews,
  apiTokenViews,
  auditViews,
  dashboardViews,
  importViews,
  kpiViews,
  publicViews,
  returnViews,
  crimeViews,
  partnershipViews,
  regionalViews,
  fundingViews,
  planViews,
  annualReportViews,
  boardViews,
  registerViews,
  retentionViews,
  registersViews,
  meetingViews,
  reviewViews,
} from './feature-views.ts'

export interface NunjucksOptions {
  /** Re-read templates on every render (development); cached otherwise. */
  readonly watch?: boolean
}

/**
 * The one Nunjucks environment for pages and standalone reports: govuk-frontend's macros (`govuk/…`), the web
 * layout and pages, and the report templates. Autoescape is ON: every `{{ value }}` is HTML-escaped, and only
 * markup this program made itself (SVG charts built by src/charts, which escape their own text) is marked `safe`.
 */
export function createNunjucksEnvironment(options: NunjucksOptions = {}): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(
    [
      govukFrontendDist,
      webViews,
      reportViews,
      accountViews,
      auditViews,
      apiTokenViews,
      importViews,
      dashboardViews,
      kpiViews,
      publicViews,
      partnershipViews,
      returnViews,
      crimeViews,
      regionalViews,
      fundingViews,
      planViews,
      annualReportViews,
      boardViews,
      registerViews,
      retentionViews,
      registersViews,
      meetingViews,
      reviewViews,
    ],
    {
      noCache: options.watch ?? false,
    },
  )
  const env = new nunjucks.Environment(loader, {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  })
  env.addGlobal('oglAttribution', OGL_ATTRIBUTION)
  env.addGlobal('oglUrl', OGL_URL)
  // Every time a page shows is in England's local time, in words (src/shared/time-in-words.ts): never raw ISO.
  env.addFilter('timeInWords', timeInWords)
  env.addFilter('dateInWords', dateInWords)
  return env
}
