import type { Action } from '../accounts/permissions.ts'

/**
 * Who may reach a route: `public` (anybody, signed in or not), `signed-in` (any signed-in user),
 * `instance-administrator` (those who manage the instance's partnerships; to anyone else signed in the route does not
 * exist), or an action of the permission policy (src/accounts/permissions.ts) that the route asks `can()` about.
 */
export type RouteAccessRule = 'public' | 'signed-in' | 'instance-administrator' | Action

/** One route of the web application and the rule that guards it. */
export interface RouteAccess {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The Express pattern exactly as the router declares it, e.g. `/admin/users/:id`. */
  readonly path: string
  readonly access: RouteAccessRule
  /**
   * True when another agency's object must not be seen to exist: a data owner of another agency gets 404, never
   * 403 (returns). Leave it out when the object is visible to every reader but only its agency may change it (an
   * indicator's values through the API): then another agency's data owner gets 403.
   */
  readonly agencyScoped?: boolean
  /**
   * Concrete paths for the authorisation-matrix test (src/web/authorisation-matrix.test.ts). The test runs over the
   * demo data (year 2017/18) with two agencies: `own` is an object of agency A (WMP, the agency of the demo data
   * owner police@example.org) and `other` an object of agency B (YOT, whose data owner the test creates). With
   * both given, `can()` is asked with that agency as the resource's `agencyId`; with `own` alone, with no agency.
   * A path may hold a `{placeholder}` the test fills from the database at run time (`placeholders` there: add
   * one when a new kind of object needs it). A route with parameters needs at least `own`.
   */
  readonly sample?: { readonly own?: string; readonly other?: string }
  /**
   * True when the object belongs to the person who made it (an uploaded import awaiting confirmation): anyone
   * else, even with the permission, is told it does not exist (404). The matrix test's `{upload}` is the analyst's.
   */
  readonly personal?: boolean
  /** API routes answer 401 (not a redirect to the sign-in page) when nobody is signed in. */
  readonly api?: boolean
  /**
   * True when the page covers every agency's objects at once (the budget, Appendix A, the 360Giving export): someone who holds
   * the action only for their own agency (a provider's data owner with 'budget:view') is told it does not exist
   * (404), as they are for another agency's object; anyone else without the action gets 403.
   */
  readonly wholePartnership?: boolean
  /**
   * A route of the death review register's compartment (src/reviews/review-routes.ts): to everyone outside it the
   * route does not exist (404), whatever their role. `register`: those granted the register or named on a case (its
   * retention pages: those granted it who also hold `access`, 'retention:manage');
   * `break-glass`: those with 'dhr:break-glass' (`access`); `administration`: those with `access` ('user:manage').
   * Inside it, every route first asks for a two-step sign-in within 15 minutes (a redirect to the step-up).
   */
  readonly compartment?: 'register' | 'break-glass' | 'administration'
}

/**
 * Every route the application serves, with its access rule. The authorisation-matrix test fails when the app has a
 * route that is not listed here, and checks every route listed here for every role against `can()`. Add a line
 * for each route you add (keep them grouped by feature).
 */
export const routeManifest: readonly RouteAccess[] = [
  // Static assets and health checks (src/web/static-assets.ts, src/web/health.ts).
  { method: 'GET', path: '/assets/saferhub.css', access: 'public' },
  { method: 'GET', path: '/assets/govuk-frontend.min.js', access: 'public' },
  { method: 'GET', path: '/assets/favicon.svg', access: 'public' },
  { method: 'GET', path: '/ping', access: 'public' },
  { method: 'GET', path: '/health', access: 'public' },
  { method: 'GET', path: '/info', access: 'public' },

  // Signing in and out, one's own account (src/accounts/web/routes.ts).
  { method: 'GET', path: '/sign-in', access: 'public' },
  { method: 'POST', path: '/sign-in', access: 'public' },
  { method: 'GET', path: '/sign-out', access: 'public' },
  { method: 'POST', path: '/sign-out', access: 'public' },
  { method: 'GET', path: '/account', access: 'signed-in' },
  // The administration pages the person may use (src/accounts/web/admin-menu.ts); an empty list for others.
  { method: 'GET', path: '/admin', access: 'signed-in' },
  { method: 'GET', path: '/account/change-password', access: 'signed-in' },
  { method: 'POST', path: '/account/change-password', access: 'signed-in' },

  // Two-step sign-in (src/accounts/two-step/web/routes.ts). The second step serves a half-signed-in session
  // (password right, code to come), which every other route treats as nobody's: public here, and each sends a
  // session without a half sign-in to /sign-in. Tested across every route in src/accounts/two-step/.
  { method: 'GET', path: '/sign-in/two-step', access: 'public' },
  { method: 'POST', path: '/sign-in/two-step', access: 'public' },
  { method: 'GET', path: '/sign-in/recovery-code', access: 'public' },
  { method: 'POST', path: '/sign-in/recovery-code', access: 'public' },
  { method: 'GET', path: '/sign-in/two-step/set-up', access: 'public' },
  { method: 'POST', path: '/sign-in/two-step/set-up', access: 'public' },
  { method: 'GET', path: '/account/two-step', access: 'signed-in' },
  { method: 'POST', path: '/account/two-step', access: 'signed-in' },
  { method: 'POST', path: '/account/two-step/recovery-codes', access: 'signed-in' },
  { method: 'POST', path: '/account/two-step/turn-off', access: 'signed-in' },

  // The instance's partnerships (src/partnerships/web/routes.ts).
  { method: 'GET', path: '/admin/partnerships', access: 'instance-administrator' },
  // The first run's form (`/` shows it to an instance administrator while there is no partnership).
  { method: 'GET', path: '/setup', access: 'instance-administrator' },
  { method: 'POST', path: '/setup', access: 'instance-administrator' },
  { method: 'POST', path: '/admin/partnerships', access: 'instance-administrator' },
  {
    method: 'POST',
    path: '/admin/partnerships/:id',
    access: 'instance-administrator',
    sample: { own: '/admin/partnerships/1' },
  },

  // The instance's whole audit trail (src/audit/web/routes.ts mounted at /admin by src/web/app.ts): every
  // partnership's events, and those of no partnership (a failed sign-in with an email that is no account).
  { method: 'GET', path: '/admin/audit', access: 'instance-administrator' },
  // The regional analyst's comparison of the partnerships they are granted (src/regional/routes.ts): instance-level
  // addresses; the granted partnerships are the memberships whose role has 'report:compare'.
  { method: 'GET', path: '/regional', access: 'report:compare' },
  {
    method: 'GET',
    path: '/regional/kpis/:code',
    access: 'report:compare',
    sample: { own: '/regional/kpis/knife-crime' },
  },

  // User administration (src/accounts/web/admin-routes.ts).
  { method: 'GET', path: '/admin/users', access: 'user:manage' },
  { method: 'GET', path: '/admin/users/new', access: 'user:manage' },
  { method: 'POST', path: '/admin/users', access: 'user:manage' },
  {
    method: 'GET',
    path: '/admin/users/:id/one-time-password',
    access: 'user:manage',
    sample: { own: '/admin/users/{user}/one-time-password' },
  },
  { method: 'GET', path: '/admin/users/:id', access: 'user:manage', sample: { own: '/admin/users/{user}' } },
  { method: 'POST', path: '/admin/users/:id', access: 'user:manage', sample: { own: '/admin/users/{user}' } },
  {
    method: 'POST',
    path: '/admin/users/:id/disable',
    access: 'user:manage',
    sample: { own: '/admin/users/{user}/disable' },
  },
  {
    method: 'POST',
    path: '/admin/users/:id/enable',
    access: 'user:manage',
    sample: { own: '/admin/users/{user}/enable' },
  },
  {
    method: 'POST',
    path: '/admin/users/:id/reset-password',
    access: 'user:manage',
    sample: { own: '/admin/users/{user}/reset-password' },
  },
  {
    method: 'POST',
    path: '/admin/users/:id/reset-two-step',
    access: 'user:manage',
    sample: { own: '/admin/users/{user}/reset-two-step' },
  },

  // Partner agencies and the KPIs each owns (src/accounts/web/agency-routes.ts): the analyst sees, the administrator
  // changes.
  { method: 'GET', path: '/admin/agencies', access: 'agency:view' },
  { method: 'GET', path: '/admin/agencies/new', access: 'agency:manage' },
  { method: 'POST', path: '/admin/agencies', access: 'agency:manage' },
  // Linking an agency another partnership of the instance already works with (a police force serves several).
  { method: 'GET', path: '/admin/agencies/link', access: 'agency:manage' },
  { method: 'POST', path: '/admin/agencies/link', access: 'agency:manage' },
  { method: 'GET', path: '/admin/agencies/:id', access: 'agency:view', sample: { own: '/admin/agencies/{agency}' } },
  { method: 'POST', path: '/admin/agencies/:id', access: 'agency:manage', sample: { own: '/admin/agencies/{agency}' } },
  {
    method: 'GET',
    path: '/admin/agencies/:id/remove',
    access: 'agency:manage',
    sample: { own: '/admin/agencies/{agency}/remove' },
  },
  {
    method: 'POST',
    path: '/admin/agencies/:id/remove',
    access: 'agency:manage',
    sample: { own: '/admin/agencies/{agency}/remove' },
  },

  // The performance report and its downloads (src/reports/routes.ts).
  { method: 'GET', path: '/reports/performance', access: 'report:view' },
  {
    method: 'GET',
    path: '/reports/performance/:year.:format',
    access: 'report:export',
    sample: { own: '/reports/performance/2017-18.xlsx' },
  },
  {
    method: 'GET',
    path: '/reports/performance/:file',
    access: 'report:view',
    sample: { own: '/reports/performance/2017-18' },
  },
  // The public report (src/public/routes.ts): no sign-in; only published years, only disclosure-controlled figures.
  { method: 'GET', path: '/', access: 'public' },
  { method: 'GET', path: '/public/performance', access: 'public' },
  {
    method: 'GET',
    path: '/public/performance/:file',
    access: 'public',
    sample: { own: '/public/performance/2017-18' },
  },
  // Publication approvals (src/public/routes.ts): two different approvers, at least one with 'report:publish'.
  { method: 'GET', path: '/publication/:year', access: 'report:view', sample: { own: '/publication/2017-18' } },
  {
    method: 'POST',
    path: '/publication/:year/publish',
    access: 'report:publish',
    sample: { own: '/publication/2017-18/publish' },
  },
  {
    method: 'POST',
    path: '/publication/:year/sign-off',
    access: 'report:sign-off',
    sample: { own: '/publication/2017-18/sign-off' },
  },
  // A review decision about a data owner's withheld commentary (youth custody's is withheld in the demo data).
  {
    method: 'POST',
    path: '/publication/:year/commentary/:kpi',
    access: 'report:publish',
    sample: { own: '/publication/2017-18/commentary/youth-custody' },
  },
  // The plan's landing page, the strategy and its priorities, and KPIs linked to them (src/plan/strategy-routes.ts).
  // `/plan` and a strategy's page ask `plan:view` for the person's own agency: every role has it (a data owner for
  // their agency, whose actions alone are counted there), so they are open to everyone signed in. The KPI links page
  // is for those who read the whole plan. A strategy, priority or delivery priority of another partnership is 404.
  { method: 'GET', path: '/plan', access: 'signed-in' },
  { method: 'GET', path: '/plan/strategies/new', access: 'plan:edit' },
  { method: 'POST', path: '/plan/strategies', access: 'plan:edit' },
  {
    method: 'GET',
    path: '/plan/strategies/:id',
    access: 'signed-in',
    sample: { own: '/plan/strategies/{strategy}' },
  },
  {
    method: 'GET',
    path: '/plan/strategies/:id/edit',
    access: 'plan:edit',
    sample: { own: '/plan/strategies/{strategy}/edit' },
  },
  { method: 'POST', path: '/plan/strategies/:id', access: 'plan:edit', sample: { own: '/plan/strategies/{strategy}' } },
  {
    method: 'POST',
    path: '/plan/strategies/:id/approve',
    access: 'plan:edit',
    sample: { own: '/plan/strategies/{strategy}/approve' },
  },
  {
    method: 'POST',
    path: '/plan/strategies/:id/priorities',
    access: 'plan:edit',
    sample: { own: '/plan/strategies/{strategy}/priorities' },
  },
  { method: 'GET', path: '/plan/priorities/:id', access: 'plan:edit', sample: { own: '/plan/priorities/{priority}' } },
  { method: 'POST', path: '/plan/priorities/:id', access: 'plan:edit', sample: { own: '/plan/priorities/{priority}' } },
  {
    method: 'POST',
    path: '/plan/priorities/:id/move',
    access: 'plan:edit',
    sample: { own: '/plan/priorities/{priority}/move' },
  },
  {
    method: 'POST',
    path: '/plan/priorities/:id/remove',
    access: 'plan:edit',
    sample: { own: '/plan/priorities/{priority}/remove' },
  },
  {
    method: 'POST',
    path: '/plan/priorities/:id/delivery',
    access: 'plan:edit',
    sample: { own: '/plan/priorities/{priority}/delivery' },
  },
  {
    method: 'POST',
    path: '/plan/delivery-priorities/:id',
    access: 'plan:edit',
    sample: { own: '/plan/delivery-priorities/{deliveryPriority}' },
  },
  { method: 'GET', path: '/plan/kpi-links', access: 'plan:view' },
  { method: 'POST', path: '/plan/kpi-links/match', access: 'plan:edit' },
  { method: 'POST', path: '/plan/kpi-links/:kpi', access: 'plan:edit', sample: { own: '/plan/kpi-links/knife-crime' } },

  // The dashboard and the KPI pages (src/dashboard/routes.ts, src/kpi/routes.ts).
  { method: 'GET', path: '/dashboard', access: 'report:view' },
  { method: 'GET', path: '/kpis/:id.csv', access: 'report:export', sample: { own: '/kpis/knife-crime.csv' } },
  { method: 'GET', path: '/kpis/:file', access: 'report:view', sample: { own: '/kpis/knife-crime' } },
  // The JSON API (src/api/routes.ts): bearer token or signed-in session; 401 problem+json when neither.
  { method: 'GET', path: '/api/openapi.json', access: 'public', api: true },
  { method: 'GET', path: '/api/indicators', access: 'report:view', api: true },
  {
    method: 'GET',
    path: '/api/indicators/:id',
    access: 'report:view',
    api: true,
    sample: { own: '/api/indicators/proven-reoffending', other: '/api/indicators/first-time-entrants' },
  },
  {
    method: 'GET',
    path: '/api/indicators/:id/values',
    access: 'report:view',
    api: true,
    sample: { own: '/api/indicators/proven-reoffending/values', other: '/api/indicators/first-time-entrants/values' },
  },
  {
    method: 'GET',
    path: '/api/indicators/:id/values/:period',
    access: 'report:view',
    api: true,
    sample: {
      own: '/api/indicators/proven-reoffending/values/FY2017-18-Q1',
      other: '/api/indicators/first-time-entrants/values/FY2017-18-Q1',
    },
  },
  // A figure written directly, outside a return: analysts and administrators only (as an import); a data owner or an
  // agency's token is refused with 403 pointing to its quarterly return.
  {
    method: 'PUT',
    path: '/api/indicators/:id/values/:period',
    access: 'import:run',
    api: true,
    sample: {
      own: '/api/indicators/proven-reoffending/values/FY2017-18-Q1',
      other: '/api/indicators/first-time-entrants/values/FY2017-18-Q1',
    },
  },
  // An agency's quarterly return through the API (src/api/return-routes.ts): the returns service, as on the pages;
  // another agency's return is 404.
  {
    method: 'GET',
    path: '/api/returns/:quarter/:agency',
    access: 'return:view',
    agencyScoped: true,
    api: true,
    sample: { own: '/api/returns/FY2017-18-Q4/WMP', other: '/api/returns/FY2017-18-Q4/YOT' },
  },
  {
    method: 'PUT',
    path: '/api/returns/:quarter/:agency',
    access: 'return:edit',
    agencyScoped: true,
    api: true,
    sample: { own: '/api/returns/FY2017-18-Q4/WMP', other: '/api/returns/FY2017-18-Q4/YOT' },
  },
  {
    method: 'GET',
    path: '/api/reports/performance/:year',
    access: 'report:view',
    api: true,
    sample: { own: '/api/reports/performance/2017-18' },
  },
  // API token administration (src/api/tokens-web/routes.ts).
  { method: 'GET', path: '/admin/api-tokens', access: 'api-token:manage' },
  { method: 'GET', path: '/admin/api-tokens/new', access: 'api-token:manage' },
  { method: 'POST', path: '/admin/api-tokens', access: 'api-token:manage' },
  {
    method: 'GET',
    path: '/admin/api-tokens/:id/issued',
    access: 'api-token:manage',
    sample: { own: '/admin/api-tokens/{apiToken}/issued' },
  },
  {
    method: 'POST',
    path: '/admin/api-tokens/:id/revoke',
    access: 'api-token:manage',
    sample: { own: '/admin/api-tokens/{apiToken}/revoke' },
  },

  // The audit trail (src/audit/web/routes.ts).
  { method: 'GET', path: '/audit', access: 'audit:view' },
  // Imports from the browser with a preview (src/imports-web/routes.ts). An upload is visible only to its uploader.
  { method: 'GET', path: '/imports', access: 'import:run' },
  { method: 'POST', path: '/imports', access: 'import:run' },
  { method: 'GET', path: '/imports/template.xlsx', access: 'import:run' },
  // Removing a KPI (src/imports-web/kpi-removal-routes.ts): those who define the framework by import.
  { method: 'GET', path: '/kpis/:id/remove', access: 'import:run', sample: { own: '/kpis/knife-crime/remove' } },
  { method: 'POST', path: '/kpis/:id/remove', access: 'import:run', sample: { own: '/kpis/knife-crime/remove' } },
  {
    method: 'GET',
    path: '/imports/:upload',
    access: 'import:run',
    personal: true,
    sample: { own: '/imports/{upload}' },
  },
  {
    method: 'POST',
    path: '/imports/:upload/confirm',
    access: 'import:run',
    personal: true,
    sample: { own: '/imports/{upload}/confirm' },
  },

  // Police recorded crime: the overview and the crime imports (src/crime/web/routes.ts).
  { method: 'GET', path: '/crime', access: 'report:view' },
  { method: 'GET', path: '/crime/months.csv', access: 'report:export' },
  { method: 'GET', path: '/crime/imports', access: 'import:run' },
  { method: 'POST', path: '/crime/imports', access: 'import:run' },

  // The budget (src/funding/budget-routes.ts): the whole partnership's money. A data owner, who may read only their own
  // agency's services (on the services pages), is told the budget page does not exist.
  { method: 'GET', path: '/funding', access: 'budget:view', wholePartnership: true },
  { method: 'POST', path: '/funding/streams', access: 'budget:edit' },
  { method: 'GET', path: '/funding/streams/:id', access: 'budget:edit', sample: { own: '/funding/streams/1' } },
  { method: 'POST', path: '/funding/streams/:id', access: 'budget:edit', sample: { own: '/funding/streams/1' } },
  { method: 'POST', path: '/funding/awards', access: 'budget:edit' },
  { method: 'POST', path: '/funding/carry-forwards', access: 'budget:edit' },
  { method: 'POST', path: '/funding/allocations', access: 'budget:edit' },
  {
    method: 'POST',
    path: '/funding/allocations/:id/remove',
    access: 'budget:edit',
    sample: { own: '/funding/allocations/999999/remove' },
  },
  { method: 'POST', path: '/funding/spend', access: 'budget:edit' },
  // The budget import: upload, preview (personal to the uploader, as the KPI imports' are), confirm; the template.
  { method: 'GET', path: '/funding/import', access: 'budget:edit' },
  { method: 'POST', path: '/funding/import', access: 'budget:edit' },
  { method: 'GET', path: '/funding/import/template.xlsx', access: 'budget:edit' },
  {
    method: 'GET',
    path: '/funding/import/:upload',
    access: 'budget:edit',
    personal: true,
    sample: { own: '/funding/import/{upload}' },
  },
  {
    method: 'POST',
    path: '/funding/import/:upload/confirm',
    access: 'budget:edit',
    personal: true,
    sample: { own: '/funding/import/{upload}/confirm' },
  },

  // Quarterly returns, review and sign-off (src/returns/routes.ts). A return belongs to an agency: another agency's
  // data owner gets 404. The overview of a quarter is for those who see every agency's returns.
  { method: 'GET', path: '/returns', access: 'signed-in' },
  { method: 'GET', path: '/returns/:period', access: 'return:view', sample: { own: '/returns/FY2017-18-Q4' } },
  {
    method: 'GET',
    path: '/returns/:period/signed-off',
    access: 'report:view',
    sample: { own: '/returns/FY2017-18-Q4/signed-off' },
  },
  {
    method: 'POST',
    path: '/returns/:period/sign-off',
    access: 'report:sign-off',
    sample: { own: '/returns/FY2017-18-Q4/sign-off' },
  },
  {
    method: 'POST',
    path: '/returns/:period/reopen',
    access: 'report:sign-off',
    sample: { own: '/returns/FY2017-18-Q4/reopen' },
  },
  {
    method: 'GET',
    path: '/returns/:period/:agency',
    access: 'return:view',
    agencyScoped: true,
    sample: { own: '/returns/FY2017-18-Q4/WMP', other: '/returns/FY2017-18-Q4/YOT' },
  },
  {
    method: 'POST',
    path: '/returns/:period/:agency',
    access: 'return:edit',
    agencyScoped: true,
    sample: { own: '/returns/FY2017-18-Q4/WMP', other: '/returns/FY2017-18-Q4/YOT' },
  },
  {
    method: 'POST',
    path: '/returns/:period/:agency/review',
    access: 'return:review',
    agencyScoped: true,
    sample: { own: '/returns/FY2017-18-Q4/WMP/review', other: '/returns/FY2017-18-Q4/YOT/review' },
  },

  // Appendix A and the 360Giving export (src/funding/appendix-a-routes.ts): the whole partnership's money, so a
  // provider's data owner (own agency's 'budget:view' only) finds nothing there. The demo's 2018/19 has the seed's
  // narrative and is published by the demo loader.
  { method: 'GET', path: '/funding/appendix-a', access: 'budget:view', wholePartnership: true },
  {
    method: 'GET',
    path: '/funding/appendix-a/:file',
    access: 'budget:view',
    wholePartnership: true,
    sample: { own: '/funding/appendix-a/FY2018-19' },
  },
  {
    method: 'GET',
    path: '/funding/appendix-a/:year/narrative',
    access: 'budget:edit',
    sample: { own: '/funding/appendix-a/FY2018-19/narrative' },
  },
  {
    method: 'POST',
    path: '/funding/appendix-a/:year/narrative',
    access: 'budget:edit',
    sample: { own: '/funding/appendix-a/FY2018-19/narrative' },
  },
  {
    method: 'POST',
    path: '/funding/appendix-a/:year/approve',
    access: 'report:publish',
    sample: { own: '/funding/appendix-a/FY2018-19/approve' },
  },
  { method: 'GET', path: '/public/appendix-a', access: 'public' },
  {
    method: 'GET',
    path: '/public/appendix-a/:file',
    access: 'public',
    sample: { own: '/public/appendix-a/FY2018-19' },
  },
  { method: 'GET', path: '/funding/360giving', access: 'budget:view', wholePartnership: true },
  { method: 'GET', path: '/funding/360giving.json', access: 'budget:view', wholePartnership: true },
  { method: 'GET', path: '/funding/360giving.xlsx', access: 'budget:view', wholePartnership: true },
  { method: 'POST', path: '/funding/360giving/settings', access: 'budget:edit' },
  // The annual report's number checker (src/annual-report/number-check-routes.ts): the year's figures cover every
  // agency's KPIs and the whole budget. The seed comparison exists for the seed's partnership (the demo) only.
  {
    method: 'GET',
    path: '/annual-report/:year/seed-comparison',
    access: 'annual-report:view',
    wholePartnership: true,
    sample: { own: '/annual-report/2017-18/seed-comparison' },
  },
  {
    method: 'GET',
    path: '/annual-report/:year/check',
    access: 'annual-report:edit',
    sample: { own: '/annual-report/2017-18/check' },
  },
  {
    method: 'POST',
    path: '/annual-report/:year/check',
    access: 'annual-report:edit',
    sample: { own: '/annual-report/2017-18/check' },
  },
  // The annual report builder (src/annual-report/annual-report-routes.ts): every address names a year, ids of chapters,
  // blocks, comments and case studies go in the query or the form (so these samples hold no object ids). The demo's
  // 2017-18 report is in review (its approval needs the board's decision). A form without its fields answers 400.
  { method: 'GET', path: '/annual-report', access: 'annual-report:view' },
  { method: 'POST', path: '/annual-report', access: 'annual-report:edit' },
  {
    method: 'GET',
    path: '/annual-report/:year',
    access: 'annual-report:view',
    sample: { own: '/annual-report/FY2017-18' },
  },
  ...(
    [
      ['chapters', 'annual-report:edit'],
      ['chapter', 'annual-report:edit'],
      ['blocks', 'annual-report:edit'],
      ['block', 'annual-report:edit'],
      ['comments', 'annual-report:edit'],
      ['comments/resolve', 'annual-report:edit'],
      ['case-studies', 'annual-report:edit'],
      ['glossary', 'annual-report:edit'],
      ['review', 'annual-report:edit'],
      ['approve', 'annual-report:publish'],
      ['publish', 'annual-report:publish'],
      ['reopen', 'annual-report:publish'],
    ] as const
  ).map(([tail, access]) => ({
    method: 'POST' as const,
    path: `/annual-report/:year/${tail}`,
    access,
    sample: { own: `/annual-report/FY2017-18/${tail}` },
  })),
  {
    method: 'GET',
    path: '/annual-report/:year/block',
    access: 'annual-report:edit',
    sample: { own: '/annual-report/FY2017-18/block' },
  },
  // The published report (no sign-in): the latest publication; a year whose report is still being prepared says so.
  {
    method: 'GET',
    path: '/public/annual-report/:year',
    access: 'public',
    sample: { own: '/public/annual-report/FY2017-18' },
  },
  // The delivery plan's actions (src/plan/action-routes.ts). Every role reads the plan; a data owner only the actions
  // their agency leads (the list shows only those; another agency's action is 404). `{actionA}` is led by WMP,
  // `{actionB}` by YOT (the matrix test adds them).
  { method: 'GET', path: '/plan/actions', access: 'signed-in' },
  { method: 'GET', path: '/plan/actions/new', access: 'plan:edit' },
  { method: 'POST', path: '/plan/actions', access: 'plan:edit' },
  {
    method: 'GET',
    path: '/plan/actions/:id',
    access: 'plan:view',
    agencyScoped: true,
    sample: { own: '/plan/actions/{actionA}', other: '/plan/actions/{actionB}' },
  },
  {
    method: 'GET',
    path: '/plan/actions/:id/edit',
    access: 'plan:edit',
    sample: { own: '/plan/actions/{actionA}/edit' },
  },
  {
    method: 'POST',
    path: '/plan/actions/:id/edit',
    access: 'plan:edit',
    sample: { own: '/plan/actions/{actionA}/edit' },
  },
  {
    method: 'POST',
    path: '/plan/actions/:id/updates',
    access: 'plan:edit',
    sample: { own: '/plan/actions/{actionA}/updates' },
  },
  // The board's meetings, decisions, attendance and packs (src/board/meeting-routes.ts). Every role but the viewer reads
  // them (exempt items hidden without board:view-exempt); the administrator and the analyst change them.
  { method: 'GET', path: '/board/meetings', access: 'board:view' },
  { method: 'GET', path: '/board/meetings/new', access: 'board:edit' },
  { method: 'POST', path: '/board/meetings', access: 'board:edit' },
  { method: 'GET', path: '/board/meetings/:id', access: 'board:view', sample: { own: '/board/meetings/{meeting}' } },
  ...(['hold', 'cancel', 'agenda', 'attendance', 'minutes', 'minutes/approve', 'decisions', 'actions'] as const).map(
    (step): RouteAccess => ({
      method: 'POST',
      path: `/board/meetings/:id/${step}`,
      access: 'board:edit',
      sample: { own: `/board/meetings/{meeting}/${step}` },
    }),
  ),
  {
    method: 'POST',
    path: '/board/meeting-actions/:id/close',
    access: 'board:edit',
    sample: { own: '/board/meeting-actions/{meetingAction}/close' },
  },
  // The board's decision that made a sign-off or an approval, chosen on that thing's page (the publication page).
  { method: 'POST', path: '/board/decision-links', access: 'board:edit' },
  {
    method: 'GET',
    path: '/board/meetings/:id/pack',
    access: 'board:view',
    sample: { own: '/board/meetings/{meeting}/pack' },
  },
  {
    method: 'GET',
    path: '/board/meetings/:id/pack/exempt',
    access: 'board:view-exempt',
    sample: { own: '/board/meetings/{meeting}/pack/exempt' },
  },
  { method: 'GET', path: '/board/decisions/:id', access: 'board:view', sample: { own: '/board/decisions/{decision}' } },
  {
    method: 'GET',
    path: '/board/attendance/:year',
    access: 'board:view',
    sample: { own: '/board/attendance/FY2017-18' },
  },
  {
    method: 'GET',
    path: '/board/attendance/:year.csv',
    access: 'board:view',
    sample: { own: '/board/attendance/FY2017-18.csv' },
  },
  // The menu's Reports page (src/web/reports-hub.ts): links to what the person may read.
  { method: 'GET', path: '/reports', access: 'report:view' },
  { method: 'GET', path: '/board/scrutiny/:year', access: 'board:view', sample: { own: '/board/scrutiny/FY2017-18' } },
  // The packs and the annual report as files (src/documents/): the samples ask for the HTML, which needs no Chromium.
  {
    method: 'GET',
    path: '/board/scrutiny/:year/download/:format',
    access: 'board:view',
    sample: { own: '/board/scrutiny/FY2017-18/download/html' },
  },
  {
    method: 'GET',
    path: '/board/meetings/:id/pack/download/:format',
    access: 'board:view',
    sample: { own: '/board/meetings/{meeting}/pack/download/html' },
  },
  {
    method: 'GET',
    path: '/annual-report/:year/download/:format',
    access: 'annual-report:view',
    sample: { own: '/annual-report/FY2017-18/download/html' },
  },
  {
    method: 'GET',
    path: '/public/annual-report/:year/download/:format',
    access: 'public',
    sample: { own: '/public/annual-report/FY2017-18/download/html' },
  },
  // The death review register (src/reviews/review-routes.ts), behind its compartment: 404 to everyone outside it, a
  // step-up (two-step within 15 minutes) inside it. The demo administrator holds the register; DARDR-2017-02 is the
  // demo's case led by Birmingham.
  { method: 'GET', path: '/reviews', access: 'signed-in', compartment: 'register' },
  { method: 'POST', path: '/reviews', access: 'signed-in', compartment: 'register' },
  { method: 'GET', path: '/reviews/new', access: 'signed-in', compartment: 'register' },
  { method: 'GET', path: '/reviews/step-up', access: 'signed-in', compartment: 'register' },
  { method: 'POST', path: '/reviews/step-up', access: 'signed-in', compartment: 'register' },
  { method: 'GET', path: '/reviews/break-glass', access: 'dhr:break-glass', compartment: 'break-glass' },
  { method: 'POST', path: '/reviews/break-glass', access: 'dhr:break-glass', compartment: 'break-glass' },
  { method: 'GET', path: '/reviews/register-access', access: 'user:manage', compartment: 'administration' },
  { method: 'POST', path: '/reviews/register-access', access: 'user:manage', compartment: 'administration' },
  // Retention inside the compartment: for those who hold the register and may manage retention (the demo
  // administrator). DARDR-2017-02 is still open, so never deleted here; a POST without a reason is refused anyway.
  { method: 'GET', path: '/reviews/retention', access: 'retention:manage', compartment: 'register' },
  {
    method: 'GET',
    path: '/reviews/retention/:reference',
    access: 'retention:manage',
    compartment: 'register',
    sample: { own: '/reviews/retention/DARDR-2017-02' },
  },
  {
    method: 'POST',
    path: '/reviews/retention/:reference',
    access: 'retention:manage',
    compartment: 'register',
    sample: { own: '/reviews/retention/DARDR-2017-02' },
  },
  {
    method: 'GET',
    path: '/reviews/:reference',
    access: 'signed-in',
    compartment: 'register',
    sample: { own: '/reviews/DARDR-2017-02' },
  },
  {
    method: 'POST',
    path: '/reviews/:reference/reason',
    access: 'signed-in',
    compartment: 'register',
    sample: { own: '/reviews/DARDR-2017-02/reason' },
  },
  {
    method: 'GET',
    path: '/reviews/:reference/steps/:step',
    access: 'signed-in',
    compartment: 'register',
    sample: { own: '/reviews/DARDR-2017-02/steps/close' },
  },
  {
    method: 'POST',
    path: '/reviews/:reference/steps/:step',
    access: 'signed-in',
    compartment: 'register',
    sample: { own: '/reviews/DARDR-2017-02/steps/record-home-office-response' },
  },
  {
    method: 'POST',
    path: '/reviews/:reference/members',
    access: 'signed-in',
    compartment: 'register',
    sample: { own: '/reviews/DARDR-2017-02/members' },
  },
  // Commissioned services and providers (src/funding/service-routes.ts). A service's page belongs to its provider's
  // reporting agency: that agency's data owner sees it, another's gets 404. `MATRIX-WMP` is made by the authorisation
  // matrix test (a provider reporting through West Midlands Police); `SWP-1718-YOT-CRW` is the demo's YOT workshops.
  { method: 'GET', path: '/funding/services', access: 'budget:view' },
  { method: 'GET', path: '/funding/services/new', access: 'budget:edit' },
  { method: 'POST', path: '/funding/services', access: 'budget:edit' },
  {
    method: 'GET',
    path: '/funding/services/:reference',
    access: 'budget:view',
    agencyScoped: true,
    sample: { own: '/funding/services/MATRIX-WMP', other: '/funding/services/SWP-1718-YOT-CRW' },
  },
  {
    method: 'POST',
    path: '/funding/services/:reference/status',
    access: 'budget:edit',
    agencyScoped: true,
    sample: { own: '/funding/services/MATRIX-WMP/status', other: '/funding/services/SWP-1718-YOT-CRW/status' },
  },
  {
    method: 'POST',
    path: '/funding/services/:reference/commitments',
    access: 'budget:edit',
    agencyScoped: true,
    sample: {
      own: '/funding/services/MATRIX-WMP/commitments',
      other: '/funding/services/SWP-1718-YOT-CRW/commitments',
    },
  },
  {
    method: 'POST',
    path: '/funding/services/:reference/spend',
    access: 'budget:edit',
    agencyScoped: true,
    sample: { own: '/funding/services/MATRIX-WMP/spend', other: '/funding/services/SWP-1718-YOT-CRW/spend' },
  },
  {
    method: 'POST',
    path: '/funding/services/:reference/outputs',
    access: 'budget:edit',
    agencyScoped: true,
    sample: { own: '/funding/services/MATRIX-WMP/outputs', other: '/funding/services/SWP-1718-YOT-CRW/outputs' },
  },
  {
    method: 'POST',
    path: '/funding/services/:reference/actuals',
    access: 'budget:edit',
    agencyScoped: true,
    sample: { own: '/funding/services/MATRIX-WMP/actuals', other: '/funding/services/SWP-1718-YOT-CRW/actuals' },
  },
  { method: 'GET', path: '/funding/providers', access: 'budget:view' },
  { method: 'POST', path: '/funding/providers', access: 'budget:edit' },
  // The annual strategic assessment and its consultation (src/plan/assessment-routes.ts). It belongs to the whole
  // partnership, not to an agency: `plan:view` is asked with no agency, so a data owner does not read it. The demo
  // holds the 2018-19 assessment (its finding and recommendation 1 are the samples' objects).
  { method: 'GET', path: '/plan/assessments', access: 'plan:view' },
  { method: 'GET', path: '/plan/assessments/new', access: 'plan:edit' },
  { method: 'POST', path: '/plan/assessments', access: 'plan:edit' },
  { method: 'GET', path: '/plan/assessments/:year', access: 'plan:view', sample: { own: '/plan/assessments/2018-19' } },
  {
    method: 'POST',
    path: '/plan/assessments/:year/remove',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/remove' },
  },
  {
    method: 'GET',
    path: '/plan/assessments/:year/findings/new',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/findings/new' },
  },
  {
    method: 'POST',
    path: '/plan/assessments/:year/findings',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/findings' },
  },
  {
    method: 'GET',
    path: '/plan/assessments/:year/findings/:finding/citations/new',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/findings/1/citations/new' },
  },
  {
    method: 'POST',
    path: '/plan/assessments/:year/findings/:finding/citations',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/findings/1/citations' },
  },
  {
    method: 'GET',
    path: '/plan/assessments/:year/threats/new',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/threats/new' },
  },
  {
    method: 'POST',
    path: '/plan/assessments/:year/threats',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/threats' },
  },
  {
    method: 'GET',
    path: '/plan/assessments/:year/recommendations/new',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/recommendations/new' },
  },
  {
    method: 'POST',
    path: '/plan/assessments/:year/recommendations',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/recommendations' },
  },
  {
    method: 'GET',
    path: '/plan/assessments/:year/recommendations/:recommendation/adopt',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/recommendations/1/adopt' },
  },
  {
    method: 'POST',
    path: '/plan/assessments/:year/recommendations/:recommendation/adopt',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/recommendations/1/adopt' },
  },
  {
    method: 'GET',
    path: '/plan/assessments/:year/consultations/new',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/consultations/new' },
  },
  {
    method: 'POST',
    path: '/plan/assessments/:year/consultations',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/consultations' },
  },
  {
    method: 'GET',
    path: '/plan/assessments/:year/final',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/final' },
  },
  {
    method: 'POST',
    path: '/plan/assessments/:year/final',
    access: 'plan:edit',
    sample: { own: '/plan/assessments/2018-19/final' },
  },
  // The board, its groups and their seats, Appendix B (src/board/board-routes.ts). The whole partnership's: read with
  // board:view, changed with board:edit. `{boardGroup}` and `{boardMember}` are a group and a seat the matrix tests add.
  { method: 'GET', path: '/board', access: 'board:view' },
  { method: 'GET', path: '/board/appendix-b', access: 'board:view' },
  { method: 'GET', path: '/board/new', access: 'board:edit' },
  { method: 'POST', path: '/board/new', access: 'board:edit' },
  { method: 'GET', path: '/board/groups/new', access: 'board:edit' },
  { method: 'POST', path: '/board/groups', access: 'board:edit' },
  { method: 'GET', path: '/board/groups/:id', access: 'board:view', sample: { own: '/board/groups/{boardGroup}' } },
  {
    method: 'GET',
    path: '/board/groups/:id/edit',
    access: 'board:edit',
    sample: { own: '/board/groups/{boardGroup}/edit' },
  },
  {
    method: 'POST',
    path: '/board/groups/:id/edit',
    access: 'board:edit',
    sample: { own: '/board/groups/{boardGroup}/edit' },
  },
  {
    method: 'POST',
    path: '/board/groups/:id/move',
    access: 'board:edit',
    sample: { own: '/board/groups/{boardGroup}/move' },
  },
  {
    method: 'POST',
    path: '/board/groups/:id/remove',
    access: 'board:edit',
    sample: { own: '/board/groups/{boardGroup}/remove' },
  },
  {
    method: 'GET',
    path: '/board/groups/:id/members/new',
    access: 'board:edit',
    sample: { own: '/board/groups/{boardGroup}/members/new' },
  },
  {
    method: 'POST',
    path: '/board/groups/:id/members',
    access: 'board:edit',
    sample: { own: '/board/groups/{boardGroup}/members' },
  },
  {
    method: 'GET',
    path: '/board/members/:id/edit',
    access: 'board:edit',
    sample: { own: '/board/members/{boardMember}/edit' },
  },
  {
    method: 'POST',
    path: '/board/members/:id/edit',
    access: 'board:edit',
    sample: { own: '/board/members/{boardMember}/edit' },
  },
  {
    method: 'POST',
    path: '/board/members/:id/end',
    access: 'board:edit',
    sample: { own: '/board/members/{boardMember}/end' },
  },
  {
    method: 'POST',
    path: '/board/members/:id/remove',
    access: 'board:edit',
    sample: { own: '/board/members/{boardMember}/remove' },
  },
  // Community tensions and hate-crime third-party reporting centres (src/registers/tension-routes.ts,
  // reporting-centre-routes.ts): the demo's wards, centres and entries are the first rows of their tables (id 1).
  { method: 'GET', path: '/registers/tensions', access: 'statutory:view' },
  { method: 'POST', path: '/registers/tensions/assessments', access: 'statutory:edit' },
  {
    method: 'GET',
    path: '/registers/tensions/areas/:ward',
    access: 'statutory:view',
    sample: { own: '/registers/tensions/areas/1' },
  },
  { method: 'GET', path: '/registers/tensions/entries/new', access: 'statutory:edit' },
  { method: 'POST', path: '/registers/tensions/entries', access: 'statutory:edit' },
  {
    method: 'GET',
    path: '/registers/tensions/entries/:id',
    access: 'statutory:view',
    sample: { own: '/registers/tensions/entries/1' },
  },
  {
    method: 'POST',
    path: '/registers/tensions/entries/:id',
    access: 'statutory:edit',
    sample: { own: '/registers/tensions/entries/1' },
  },
  { method: 'GET', path: '/registers/wards', access: 'statutory:view' },
  { method: 'POST', path: '/registers/wards', access: 'statutory:edit' },
  { method: 'POST', path: '/registers/wards/ons', access: 'statutory:edit' },
  { method: 'GET', path: '/registers/reporting-centres', access: 'statutory:view' },
  { method: 'GET', path: '/registers/reporting-centres/import', access: 'statutory:edit' },
  { method: 'POST', path: '/registers/reporting-centres/import', access: 'statutory:edit' },
  {
    method: 'GET',
    path: '/registers/reporting-centres/:id',
    access: 'statutory:view',
    sample: { own: '/registers/reporting-centres/1' },
  },
  {
    method: 'POST',
    path: '/registers/reporting-centres/:id/checked',
    access: 'statutory:edit',
    sample: { own: '/registers/reporting-centres/1/checked' },
  },
  {
    method: 'POST',
    path: '/registers/reporting-centres/:id/close',
    access: 'statutory:edit',
    sample: { own: '/registers/reporting-centres/1/close' },
  },
  {
    method: 'POST',
    path: '/registers/reporting-centres/:id/quarters',
    access: 'statutory:edit',
    sample: { own: '/registers/reporting-centres/1/quarters' },
  },

  // Retention (src/retention/retention-routes.ts): administrators only.
  { method: 'GET', path: '/retention', access: 'retention:manage' },
  {
    method: 'POST',
    path: '/retention/periods/:type',
    access: 'retention:manage',
    sample: { own: '/retention/periods/tension-entry' },
  },
  {
    method: 'GET',
    path: '/retention/:type/:id',
    access: 'retention:manage',
    // A centre whose clock has not started (or, after the close route's sample, started today): never deleted here.
    sample: { own: '/retention/reporting-centre/1' },
  },
  {
    method: 'POST',
    path: '/retention/:type/:id',
    access: 'retention:manage',
    // A centre whose clock has not started (or, after the close route's sample, started today): never deleted here.
    sample: { own: '/retention/reporting-centre/1' },
  },
  // The statutory registers' landing page, Prevent and Channel, engagement (src/registers/prevent-routes.ts). Case
  // counts only (no person in any of them), so no compartment: statutory:view reads, statutory:edit changes. The
  // `1` in a change's sample is the first row the demo loader writes in a fresh database (every register has one).
  { method: 'GET', path: '/registers', access: 'statutory:view' },
  { method: 'GET', path: '/registers/prevent', access: 'statutory:view' },
  { method: 'GET', path: '/registers/engagement', access: 'statutory:view' },
  { method: 'GET', path: '/registers/prevent/arrangements', access: 'statutory:edit' },
  { method: 'POST', path: '/registers/prevent/arrangements', access: 'statutory:edit' },
  { method: 'GET', path: '/registers/prevent/settings/import', access: 'statutory:edit' },
  { method: 'POST', path: '/registers/prevent/settings/import', access: 'statutory:edit' },
  {
    method: 'GET',
    path: '/registers/prevent/:register',
    access: 'statutory:view',
    sample: { own: '/registers/prevent/channel-panel' },
  },
  {
    method: 'GET',
    path: '/registers/prevent/:register/new',
    access: 'statutory:edit',
    sample: { own: '/registers/prevent/channel-panel/new' },
  },
  {
    method: 'POST',
    path: '/registers/prevent/:register/new',
    access: 'statutory:edit',
    sample: { own: '/registers/prevent/channel-panel/new' },
  },
  {
    method: 'GET',
    path: '/registers/prevent/:register/:id/edit',
    access: 'statutory:edit',
    sample: { own: '/registers/prevent/channel-panel/1/edit' },
  },
  {
    method: 'POST',
    path: '/registers/prevent/:register/:id/edit',
    access: 'statutory:edit',
    sample: { own: '/registers/prevent/channel-panel/1/edit' },
  },
  {
    method: 'POST',
    path: '/registers/prevent/:register/:id/delete',
    access: 'statutory:edit',
    sample: { own: '/registers/prevent/channel-panel/1/delete' },
  },
  {
    method: 'GET',
    path: '/registers/engagement/:register',
    access: 'statutory:view',
    sample: { own: '/registers/engagement/covenants' },
  },
  {
    method: 'GET',
    path: '/registers/engagement/:register/new',
    access: 'statutory:edit',
    sample: { own: '/registers/engagement/covenants/new' },
  },
  {
    method: 'POST',
    path: '/registers/engagement/:register/new',
    access: 'statutory:edit',
    sample: { own: '/registers/engagement/covenants/new' },
  },
  {
    method: 'GET',
    path: '/registers/engagement/:register/:id/edit',
    access: 'statutory:edit',
    sample: { own: '/registers/engagement/covenants/1/edit' },
  },
  {
    method: 'POST',
    path: '/registers/engagement/:register/:id/edit',
    access: 'statutory:edit',
    sample: { own: '/registers/engagement/covenants/1/edit' },
  },
  {
    method: 'POST',
    path: '/registers/engagement/:register/:id/delete',
    access: 'statutory:edit',
    sample: { own: '/registers/engagement/covenants/1/delete' },
  },
]
