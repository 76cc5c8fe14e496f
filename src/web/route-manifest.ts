import type { Action } from '../accounts/permissions.ts'

/**
 * Who may reach a route: `public` (anybody, signed in or not), `signed-in` (any signed-in user), or an action of
 * the permission policy (src/accounts/permissions.ts) that the route asks `can()` about.
 */
export type RouteAccessRule = 'public' | 'signed-in' | Action

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
  { method: 'GET', path: '/account/change-password', access: 'signed-in' },
  { method: 'POST', path: '/account/change-password', access: 'signed-in' },

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

  // The performance report and its downloads (src/reports/routes.ts).
  { method: 'GET', path: '/', access: 'report:view' },
  { method: 'GET', path: '/reports/performance', access: 'report:view' },
  {
    method: 'GET',
    path: '/reports/performance/:file',
    access: 'report:view',
    sample: { own: '/reports/performance/2017-18' },
  },
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
  // Indicators are visible to every reader, so another agency's indicator is 403 (not 404) for a data owner.
  {
    method: 'PUT',
    path: '/api/indicators/:id/values/:period',
    access: 'return:edit',
    api: true,
    sample: {
      own: '/api/indicators/proven-reoffending/values/FY2017-18-Q1',
      other: '/api/indicators/first-time-entrants/values/FY2017-18-Q1',
    },
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
]
