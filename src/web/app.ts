import express from 'express'
import type { Services } from '../composition-root.ts'
import { performanceReportRoutes } from '../reports/routes.ts'
import { dashboardRoutes } from '../dashboard/routes.ts'
import { kpiRoutes } from '../kpi/routes.ts'
import { publicRoutes } from '../public/routes.ts'
import { apiRoutes } from '../api/routes.ts'
import { apiTokenRoutes } from '../api/tokens-web/routes.ts'
import { auditTrailRoutes } from '../audit/web/routes.ts'
import { importRoutes } from '../imports-web/routes.ts'
import { returnsRoutes } from '../returns/routes.ts'
import { crimeWebRoutes } from '../crime/web/routes.ts'
import { can } from '../accounts/permissions.ts'
import { createUploadStore } from '../imports-web/upload-store.ts'
import {
  accountNavigation,
  accountRoutes,
  requirePermission,
  setUpAuthentication,
  setUpCsrf,
  setUpWebSession,
  userAdministrationRoutes,
  agencyAdministrationRoutes,
} from '../accounts/web/index.ts'
import { errorHandler, notFound } from './errors.ts'
import { setUpHealthChecks } from './health.ts'
import { jsonLogger, type Logger } from './logger.ts'
import { createNunjucksEnvironment } from './nunjucks-setup.ts'
import { saveSessionBeforeRendering } from './save-session-first.ts'
import { noStore, setUpWebSecurity } from './security.ts'
import { setUpStaticAssets } from './static-assets.ts'
import { partnershipStylesheet } from './stylesheet.ts'
import { govukFrontendVersion } from './paths.ts'

export interface AppOptions {
  /** Where request failures are logged (one JSON line each); stderr by default. */
  readonly logger?: Logger
}

/**
 * The web application: a flat, ordered list of middleware, each concern a small factory in its own file
 * (as ministryofjustice/hmpps-template-typescript does it). Routes receive services, never a database client.
 */
export function createApp(services: Services, options: AppOptions = {}): express.Express {
  const { config } = services
  const logger = options.logger ?? jsonLogger()
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', config.trustProxy)
  app.set('query parser', 'simple')

  const nunjucks = createNunjucksEnvironment({ watch: config.reloadTemplates })
  nunjucks.express(app)
  app.set('view engine', 'njk')
  app.locals.partnershipName = config.partnershipName
  app.locals.stylesheetVersion = partnershipStylesheet().version
  app.locals.govukFrontendVersion = govukFrontendVersion

  // 1. Security headers (CSP nonce per request) on every response, static files and errors included.
  app.use(setUpWebSecurity({ production: config.production }))
  // 2. Static assets: cacheable, served before anything that reads a session.
  app.use(setUpStaticAssets())
  // 3. Everything below is dynamic: never cached.
  app.use(noStore())
  // 4. Health checks: /ping, /health, /info.
  app.use(setUpHealthChecks(services.database))

  // 5. Accounts: the session (database store; survives restarts, shared by processes), CSRF protection on every
  //    form (parses url-encoded bodies; a POST without the token → 403), then the signed-in user, loaded from
  //    the database on every request so that a role change or disabling applies at once.
  app.use(setUpWebSession(services))
  // A page that changed the session (a visitor's first CSRF token, a flash message taken) is sent only once the
  // session is stored, so that a database that cannot write gives the database's error page, not a dead form.
  app.use(saveSessionBeforeRendering())
  app.use(setUpCsrf())
  app.use(setUpAuthentication(services.accounts))

  // The menu; pages mark the item they belong to.
  app.use((req, res, next) => {
    res.locals.navigation = [
      ...(res.locals.currentUser
        ? [
            {
              href: '/dashboard',
              text: 'Dashboard',
              active: req.path === '/dashboard' || req.path.startsWith('/kpis/'),
            },
            {
              href: '/reports/performance',
              text: 'Performance report',
              active: req.path.startsWith('/reports/performance') || req.path.startsWith('/publication/'),
            },
            ...(can(res.locals.currentUser, 'return:view', { agencyId: res.locals.currentUser.agencyId }) ||
            can(res.locals.currentUser, 'return:view')
              ? [{ href: '/returns', text: 'Returns', active: req.path.startsWith('/returns') }]
              : []),
            { href: '/crime', text: 'Crime', active: req.path === '/crime' || req.path.startsWith('/crime/') },
          ]
        : []),
      // The public report of the latest published year: the home page, for everybody.
      { href: '/', text: 'Published report', active: req.path === '/' || req.path.startsWith('/public/') },
      ...accountNavigation(req, res),
    ]
    next()
  })

  // 6. Routes. Sign-in and out, one's own account, user administration; every other page needs a signed-in
  //    user whom the permission policy (src/accounts/permissions.ts) allows.
  // The JSON API (/api; bearer tokens or the session; problem+json errors; its own 404 under /api).
  app.use(
    apiRoutes({
      accounts: services.accounts,
      performance: services.performance.repository,
      reports: services.reports.performance,
      writes: services.api.writes,
      returns: services.returns,
    }),
  )
  app.use(accountRoutes(services))
  app.use(userAdministrationRoutes(services.accounts, services.twoStep))
  app.use(agencyAdministrationRoutes({ accounts: services.accounts, indicators: services.performance.repository }))
  app.use(apiTokenRoutes(services.accounts))
  app.use(
    importRoutes({
      accounts: services.accounts,
      imports: services.performance.importService,
      uploads: createUploadStore(config.dataDirectory),
    }),
  )
  app.use(auditTrailRoutes({ audit: services.audit, guard: [requirePermission(services.accounts, 'audit:view')] }))
  // Quarterly returns, review and sign-off (agency-scoped: the service checks every return's own agency).
  app.use(returnsRoutes({ returns: services.returns, accounts: services.accounts }))
  // The public pages (`/`, `/public/performance/…`: no sign-in, disclosure-controlled) and publication approvals;
  // before the internal report's router so that `/` is the public report.
  app.use(
    publicRoutes({
      publication: services.publication,
      signedInGuard: [requirePermission(services.accounts, 'report:view')],
      publishGuard: [requirePermission(services.accounts, 'report:publish')],
      signOffGuard: [requirePermission(services.accounts, 'report:sign-off')],
    }),
  )
  app.use(
    dashboardRoutes({
      reports: services.reports.performance,
      guard: [requirePermission(services.accounts, 'report:view')],
    }),
  )
  app.use(
    kpiRoutes({
      performance: services.performance.repository,
      audit: services.audit,
      guard: [requirePermission(services.accounts, 'report:view')],
    }),
  )
  app.use(
    performanceReportRoutes({
      reports: services.reports.performance,
      nunjucks,
      guard: [requirePermission(services.accounts, 'report:view')],
    }),
  )

  // Police recorded crime: the partnership's overview (report:view) and the crime imports (import:run).
  app.use(
    crimeWebRoutes({
      services,
      viewGuard: [requirePermission(services.accounts, 'report:view')],
      importGuard: [requirePermission(services.accounts, 'import:run')],
    }),
  )

  // 7. Not found, then errors (generic page with a correlation id; the stack only in the log).
  app.use(notFound())
  app.use(errorHandler(logger))
  return app
}
