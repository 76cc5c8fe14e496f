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
]
