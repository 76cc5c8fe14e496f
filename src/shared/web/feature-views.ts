import path from 'node:path'
import { fileURLToPath } from 'node:url'

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The accounts pages' templates, named `accounts/…`. */
export const accountViews = path.join(src, 'accounts', 'views')
/** The audit trail page's templates, named `audit/…`. */
export const auditViews = path.join(src, 'audit', 'web', 'views')
/** The API token administration's templates, named `api-tokens/…`. */
export const apiTokenViews = path.join(src, 'api', 'tokens-web', 'views')
/** The browser imports' templates, named `imports/…`. */
export const importViews = path.join(src, 'imports-web', 'views')
/** The dashboard (`dashboard.njk`), the KPI page (`kpi-page.njk`) and the public pages (`public-*.njk`, `publication.njk`). */
export const dashboardViews = path.join(src, 'dashboard', 'views')
export const kpiViews = path.join(src, 'kpi', 'views')
export const publicViews = path.join(src, 'public', 'views')
/** Quarterly returns, review and sign-off, named `returns/…`. */
export const returnViews = path.join(src, 'returns', 'views')
/** The crime overview and the crime imports, named `crime/…`. */
export const crimeViews = path.join(src, 'crime', 'web', 'views')
/** The instance's partnerships and home page, named `partnerships/…`. */
export const partnershipViews = path.join(src, 'partnerships', 'web', 'views')
/** The partnership's plan (strategy, assessment, actions), named `plan/…`. */
export const planViews = path.join(src, 'plan', 'views')
/** The regional analyst's comparison of partnerships, named `regional/…`. */
export const regionalViews = path.join(src, 'regional', 'views')
/** The money's pages (the budget, services, Appendix A, the 360Giving export), named `funding/…`. */
export const fundingViews = path.join(src, 'funding', 'views')
/** The annual report's number checker and the seed comparison, named `annual-report/…`. */
export const annualReportViews = path.join(src, 'annual-report', 'views')
/** The board, its groups and seats, Appendix B (and the board's meetings), named `board/…`. */
export const boardViews = path.join(src, 'board', 'views')
/** The statutory registers (community tensions, reporting centres, …), named `registers/…`. */
export const registerViews = path.join(src, 'registers', 'views')
/** Retention (periods, the review list, tombstones), named `retention/…`. */
export const retentionViews = path.join(src, 'retention', 'views')
/** The statutory registers (Prevent and Channel, engagement, and the others), named `registers/…`. */
export const registersViews = path.join(src, 'registers', 'views')
/** The board's meetings, decisions, attendance and packs, named `meetings/…` (src/board/views/). */
export const meetingViews = path.join(src, 'board', 'views')
/** The death review register (behind its compartment), named `reviews/…`. */
export const reviewViews = path.join(src, 'reviews', 'views')
