import { readFileSync } from 'node:fs'
import type { AnnualReportService, DemoReport } from './annual-report-service.ts'

/**
 * The demo's annual report: the seed's 2017-18 report rebuilt (src/annual-report/annual-report-demo.json holds its
 * chapters and narrative, copied from the seed under the Open Government Licence v3.0, with the sentences that state a
 * number saferhub holds bound to that figure, `{{figure:kpi:knife-crime:change:FY2017-18}}`, so the data's figure is
 * printed where the seed printed its own). Its YOT case study is recorded as consented and approved (the seed
 * published it). It is left in review until the board's data holds a decision approving the 2017-18 report; with one,
 * the loader approves and publishes it.
 */
export const DEMO_REPORT: DemoReport & { readonly attribution: string } = {
  ...(JSON.parse(readFileSync(new URL('./annual-report-demo.json', import.meta.url), 'utf8')) as DemoReport & {
    readonly attribution: string
  }),
  consentDate: '2018-04-30',
}

/** Loads the demo's report (idempotent): what the figures do not hold is answered, never thrown. */
export function loadDemoAnnualReport(service: AnnualReportService, actor: string) {
  return service.loadDemo(DEMO_REPORT, actor)
}
