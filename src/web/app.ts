import express from 'express'
import type { Services } from '../composition-root.ts'
import { performanceReportRoutes } from '../reports/routes.ts'
import { apiRoutes } from '../api/routes.ts'
import { apiTokenRoutes } from '../api/tokens-web/routes.ts'
import { auditTrailRoutes } from '../audit/web/routes.ts'
import {
  accountNavigation,
  accountRoutes,
  requirePermission,
  setUpAuthentication,
  setUpCsrf,
  setUpWebSession,
  userAdministrationRoutes,
} from '../accounts/web/index.ts'
import { errorHandler, notFound } from './errors.ts'
import { setUpHealthChecks } from './health.ts'
import { jsonLogger, type Logger } from './logger.ts'
import { createNunjucksEnvironment } from './nunjucks-setup.ts'
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

  const nunjucks = createNunjucksEnvironment({ watch: !config.production })
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
  app.use(setUpCsrf())
  app.use(setUpAuthentication(services.accounts))

  // The menu; pages mark the item they belong to.
  app.use((req, res, next) => {
    res.locals.navigation = [
      ...(res.locals.currentUser
        ? [
            {
              href: '/',
              text: 'Performance report',
              active: req.path === '/' || req.path.startsWith('/reports/performance'),
            },
          ]
        : []),
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
    }),
  )
  app.use(accountRoutes(services))
  app.use(userAdministrationRoutes(services.accounts))
  app.use(apiTokenRoutes(services.accounts))
  app.use(auditTrailRoutes({ audit: services.audit, guard: [requirePermission(services.accounts, 'audit:view')] }))
  app.use(
    performanceReportRoutes({
      reports: services.reports.performance,
      nunjucks,
      guard: [requirePermission(services.accounts, 'report:view')],
    }),
  )

  // 7. Not found, then errors (generic page with a correlation id; the stack only in the log).
  app.use(notFound())
  app.use(errorHandler(logger))
  return app
}
