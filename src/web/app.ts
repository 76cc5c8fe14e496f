import express from 'express'
import { createPartnershipServices, type PartnershipServices, type Services } from '../composition-root.ts'
import type { Partnership } from '../partnerships/partnership.ts'
import { instanceHomeRoutes, partnershipAdministrationRoutes } from '../partnerships/web/routes.ts'
import { performanceReportRoutes } from '../reports/routes.ts'
import { dashboardRoutes } from '../dashboard/routes.ts'
import { kpiRoutes } from '../kpi/routes.ts'
import { publicRoutes } from '../public/routes.ts'
import { apiRoutes } from '../api/routes.ts'
import { apiTokenRoutes } from '../api/tokens-web/routes.ts'
import { auditTrailRoutes } from '../audit/web/routes.ts'
import { SIGN_IN_AUDIT_ACTIONS, SIGN_IN_AUDIT_DESCRIPTIONS } from '../accounts/sign-in-audit.ts'
import { kpiRemovalRoutes } from '../imports-web/kpi-removal-routes.ts'
import { importRoutes } from '../imports-web/routes.ts'
import { returnsRoutes } from '../returns/routes.ts'
import { boardRoutes } from '../board/board-routes.ts'
import { actionRoutes } from '../plan/action-routes.ts'
import { meetingRoutes } from '../board/meeting-routes.ts'
import { decisionsOf } from '../board/decision-links.ts'
import { reviewRoutes } from '../reviews/review-routes.ts'
import { REVIEW_ENTITY_PREFIX } from '../reviews/review-service.ts'
import { commissionedServiceRoutes } from '../funding/service-routes.ts'
import { crimeWebRoutes } from '../crime/web/routes.ts'
import { mayCompare, regionalRoutes } from '../regional/routes.ts'
import { strategyRoutes } from '../plan/strategy-routes.ts'
import { planMoney } from '../plan/strategy-money.ts'
import { can } from '../accounts/permissions.ts'
import { createUploadStore, type UploadStore } from '../imports-web/upload-store.ts'
import { budgetRoutes } from '../funding/budget-routes.ts'
import {
  accountNavigation,
  accountRoutes,
  adminMenuRoutes,
  enterPartnership,
  requireInstanceAdministrator,
  requireSignIn,
  yourPartnerships,
  requirePermission,
  setUpAuthentication,
  setUpCsrf,
  setUpWebSession,
  userAdministrationRoutes,
  agencyAdministrationRoutes,
} from '../accounts/web/index.ts'
import { errorHandler, notFound } from './errors.ts'
import { setUpHealthChecks } from './health.ts'
import { keepRenderedPages, sendRenderedPages } from './kept-pages.ts'
import { jsonLogger, type Logger } from './logger.ts'
import { createNunjucksEnvironment } from '../shared/web/nunjucks-setup.ts'
import { assessmentRoutes } from '../plan/assessment-routes.ts'
import { saveSessionBeforeRendering } from './save-session-first.ts'
import { noStore, setUpWebSecurity } from './security.ts'
import { setUpStaticAssets } from './static-assets.ts'
import { partnershipStylesheet } from '../shared/web/stylesheet.ts'
import { govukFrontendVersion } from '../shared/web/paths.ts'
import { appendixARoutes } from '../funding/appendix-a-routes.ts'
import { numberCheckRoutes } from '../annual-report/number-check-routes.ts'
import { tensionRoutes } from '../registers/tension-routes.ts'
import { reportingCentreRoutes } from '../registers/reporting-centre-routes.ts'
import { retentionRoutes } from '../retention/retention-routes.ts'
import { reportsHubRoutes } from './reports-hub.ts'
import { annualReportRoutes } from '../annual-report/annual-report-routes.ts'
import { preventRoutes } from '../registers/prevent-routes.ts'

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
  // No ETag computed over each body (a SHA-1 of a 41 KB dashboard on every view, 3% of its time): every dynamic
  // response is `no-store`, so no cache keeps it to revalidate, and the static assets' URLs are versioned and
  // immutable. The API's ETags (a figure's or a return's version) are set by its routes and stay.
  app.set('etag', false)

  const nunjucks = createNunjucksEnvironment({ watch: config.reloadTemplates })
  // The pages read most, kept by their whole context (src/web/kept-pages.ts): not rendered again while nothing on
  // them changes. None of them shows a secret.
  keepRenderedPages(nunjucks, {
    templates: ['dashboard.njk', 'kpi-page.njk', 'public-report.njk'],
    perRequest: ['cspNonce', 'csrfToken'],
  })
  nunjucks.express(app)
  app.set('view engine', 'njk')
  app.locals.partnershipName = config.partnershipName
  app.locals.stylesheetVersion = partnershipStylesheet().version
  app.locals.govukFrontendVersion = govukFrontendVersion
  // A partnership's links start with its address (`/p/<slug>`) in its pages; elsewhere with nothing.
  app.locals.base = ''

  // 1. Security headers (CSP nonce per request) on every response, static files and errors included.
  app.use(setUpWebSecurity({ production: config.production }))
  // 2. Static assets: cacheable, served before anything that reads a session.
  app.use(setUpStaticAssets())
  // 3. Everything below is dynamic: never cached.
  app.use(noStore())
  // 4. Health checks: /ping, /health, /info.
  app.use(setUpHealthChecks(services.database))

  // 5. Accounts: the session (database store; survives restarts, shared by processes), CSRF protection on every
  //    form (parses url-encoded bodies; a POST without the token → 403), then the signed-in person, loaded from
  //    the database on every request so that a role change or disabling applies at once. Here as the instance
  //    sees them; a partnership's pages load them again with their role there.
  app.use(setUpWebSession(services))
  // A kept page comes as bytes: sent as HTML (installed first, so the session is saved before it is sent).
  app.use(sendRenderedPages())
  // A page that changed the session (a visitor's first CSRF token, a flash message taken) is sent only once the
  // session is stored, so that a database that cannot write gives the database's error page, not a dead form.
  app.use(saveSessionBeforeRendering())
  app.use(setUpCsrf())
  app.use(setUpAuthentication(services.accounts))

  // 6. The instance's own pages: signing in and out, one's own account and two-step sign-in, the partnerships.
  app.use(instanceNavigation())
  app.use(accountRoutes(services))
  app.use(partnershipAdministrationRoutes(services))
  // The instance's whole audit trail (`/admin/audit`, instance administrators only): every partnership's events and
  // those that belong to none, such as a failed sign-in with an email that is no account.
  app.use(
    '/admin',
    auditTrailRoutes({
      audit: services.audit,
      chain: services.auditChain,
      signInEvents: { actions: SIGN_IN_AUDIT_ACTIONS, descriptions: SIGN_IN_AUDIT_DESCRIPTIONS },
      guard: [requireSignIn(), requireInstanceAdministrator()],
      // The death review register's compartment is each partnership's: the instance's trail never shows its events.
      hiddenEntityTypePrefix: () => Promise.resolve(REVIEW_ENTITY_PREFIX),
    }),
  )
  // The regional analyst's comparison of the partnerships they are granted (instance-level: it spans partnerships).
  app.use(regionalRoutes({ regional: services.regional, accounts: services.accounts }))

  // 7. A partnership's pages, API and public report: at `/p/<slug>/…`, and without the prefix for the partnership
  //    the request belongs to (the token's, the signed-in person's current one, or the instance's only one).
  const uploads = createUploadStore(config.dataDirectory)
  const routers = new Map<PartnershipServices, express.Router>()
  const routerFor = (scoped: PartnershipServices) => {
    let router = routers.get(scoped)
    if (!router) {
      router = partnershipRouter(services, scoped, { nunjucks, uploads })
      routers.set(scoped, router)
    }
    return router
  }
  /** Hands the request to the partnership's own router, with its name and address for the pages. */
  const enter = (partnership: Partnership, req: express.Request, res: express.Response, next: express.NextFunction) => {
    res.locals.base = req.baseUrl
    res.locals.currentPartnership = partnership
    res.locals.partnershipName = partnership.name
    routerFor(services.forPartnership(partnership))(req, res, next)
  }
  app.use('/p/:slug', async (req, res, next) => {
    const partnership = await services.partnerships.findBySlug(String(req.params.slug))
    if (!partnership) return next()
    if (typeof req.session?.userId === 'number') req.session.partnershipId = partnership.id
    enter(partnership, req, res, next)
  })
  const dispatch: express.RequestHandler = async (req, res, next) => {
    const partnership = await partnershipOfRequest(services, req, res)
    if (!partnership) return next()
    enter(partnership, req, res, next)
  }
  // Every partnership's router declares the same routes; one built over no real partnership (its services are never
  // called) shows them to src/web/route-table.ts, so that the authorisation matrix checks a partnership's routes too.
  const routeTable = partnershipRouter(
    services,
    createPartnershipServices(services.instance, ROUTE_TABLE_PARTNERSHIP),
    { nunjucks, uploads },
  )
  app.use(Object.assign(dispatch, { stack: routeTable.stack }))
  app.use(instanceHomeRoutes(services))
  // With no partnership to enter (an empty installation), `/admin` lists the installation's own pages.
  app.use(adminMenuRoutes({ withinPartnership: false }))

  // 8. Not found, then errors (generic page with a correlation id; the stack only in the log).
  app.use(notFound())
  app.use(errorHandler(logger))
  return app
}

/** A partnership that is never stored: only the route table's router is built over it. */
const ROUTE_TABLE_PARTNERSHIP: Partnership = Object.freeze({
  id: 2_147_483_647,
  slug: 'route-table',
  name: 'Route table',
  onsCode: null,
  nation: 'england',
  settings: Object.freeze({ disclosureMinimum: null, returnsDueDays: null, twoStepPolicy: null }),
  createdAt: '1970-01-01T00:00:00.000Z',
})

/**
 * "Compare partnerships", shown as "Compare" so that the menu fits one row on a 1280-pixel laptop (see
 * docs/architecture.md, "Navigation"); the hidden words keep the link's accessible name whole, and the visible word
 * starts it (WCAG 2.5.3, label in name).
 */
function compareItem(active: boolean) {
  return {
    href: '/regional',
    html: 'Compare<span class="govuk-visually-hidden"> partnerships</span>',
    active,
  }
}

/** The menu of the instance's own pages (signing in, one's account); a partnership's router makes its own. */
function instanceNavigation(): express.RequestHandler {
  return (req, res, next) => {
    const user = res.locals.currentUser
    res.locals.navigation = [
      { href: '/', text: 'Published reports', active: req.path === '/' },
      // The person's own partnerships, so that someone in several can switch; the one they are in is marked.
      ...(user ? yourPartnerships(user, req.session.partnershipId) : []).map((p) => ({
        href: `/p/${p.slug}/dashboard`,
        text: p.current ? `${p.name} (current)` : p.name,
      })),
      ...(mayCompare(user) ? [compareItem(req.path.startsWith('/regional'))] : []),
      // Administration (partnerships, the whole audit trail, users…) is one "Admin" page: see accountNavigation.
      ...accountNavigation(req, res),
    ]
    next()
  }
}

/**
 * The partnership a request without `/p/<slug>` belongs to: an API token's own; for a signed-in person the one they
 * last visited (or their first); otherwise the instance's only partnership. Null when there is none to choose (the
 * instance's home page then lists them).
 */
async function partnershipOfRequest(
  services: Services,
  req: express.Request,
  res: express.Response,
): Promise<Partnership | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')
  if (bearer && req.path.startsWith('/api')) {
    const partnershipId = await services.accounts.apiTokenPartnership(bearer[1] as string)
    if (partnershipId !== null) return services.partnerships.find(partnershipId)
  }
  // One partnership row read, never the list (an instance may hold hundreds): the person's memberships (loaded with
  // them, with each partnership's name) say which one; an instance administrator who has not chosen one gets the
  // first by name, as a member of several does.
  const user = res.locals.currentUser
  if (user) {
    const wanted = req.session.partnershipId
    if (
      wanted !== undefined &&
      (user.instanceAdministrator || user.memberships.some((m) => m.partnershipId === wanted))
    ) {
      const chosen = await services.partnerships.find(wanted)
      if (chosen) return chosen
    }
    const first = yourPartnerships(user, undefined)[0]
    if (first) return services.partnerships.find(first.id)
    return user.instanceAdministrator ? ((await services.partnerships.list())[0] ?? null) : null
  }
  return services.partnerships.onlyOne()
}

/**
 * One partnership's pages, API and public report, over its own services (src/composition-root.ts, forPartnership):
 * every repository behind them sees only this partnership's rows.
 */
function partnershipRouter(
  services: Services,
  scoped: PartnershipServices,
  shared: { readonly nunjucks: ReturnType<typeof createNunjucksEnvironment>; readonly uploads: UploadStore },
): express.Router {
  const router = express.Router()
  const accounts = scoped.accounts
  // The signed-in person (loaded once, at the instance) with their role in this partnership. Someone signed in who is
  // not a member here finds nothing: the partnership's pages answer as if they did not exist.
  router.use(enterPartnership(scoped.partnership.id))
  router.use((req, res, next) => {
    const base = req.baseUrl
    const path = req.path
    res.locals.navigation = [
      ...(res.locals.currentUser
        ? [
            {
              href: `${base}/dashboard`,
              text: 'Dashboard',
              active: path === '/dashboard' || path.startsWith('/kpis/'),
            },
            // The performance report, the annual report, the packs, Appendix A and the imports: one item, one page
            // (src/web/reports-hub.ts), so that the menu keeps to one row with the board and the registers.
            {
              href: `${base}/reports`,
              text: 'Reports',
              active:
                path === '/reports' ||
                path.startsWith('/reports/') ||
                path.startsWith('/publication/') ||
                path.startsWith('/annual-report') ||
                path.startsWith('/imports'),
            },
            ...(can(res.locals.currentUser, 'return:view', { agencyId: res.locals.currentUser.agencyId }) ||
            can(res.locals.currentUser, 'return:view')
              ? [{ href: `${base}/returns`, text: 'Returns', active: path.startsWith('/returns') }]
              : []),
            { href: `${base}/crime`, text: 'Crime', active: path === '/crime' || path.startsWith('/crime/') },
            // The strategy, its priorities, the assessment and the delivery plan's actions (src/plan/); a data owner
            // sees their agency's actions there.
            ...(can(res.locals.currentUser, 'plan:view') ||
            can(res.locals.currentUser, 'plan:view', { agencyId: res.locals.currentUser.agencyId })
              ? [{ href: `${base}/plan`, text: 'Plan', active: path === '/plan' || path.startsWith('/plan/') }]
              : []),
            // Funding, the budget, commissioned services and Appendix A (src/funding/); a provider sees its own services.
            ...(can(res.locals.currentUser, 'budget:view') ||
            can(res.locals.currentUser, 'budget:view', { agencyId: res.locals.currentUser.agencyId })
              ? [
                  {
                    href: `${base}/funding`,
                    text: 'Funding',
                    active: path === '/funding' || path.startsWith('/funding/'),
                  },
                ]
              : []),
            // The board, its groups and seats, Appendix B (src/board/).
            ...(can(res.locals.currentUser, 'board:view')
              ? [{ href: `${base}/board`, text: 'Board', active: path === '/board' || path.startsWith('/board/') }]
              : []),
            // The statutory registers (src/registers/): Prevent and Channel, engagement, and the others.
            ...(can(res.locals.currentUser, 'statutory:view')
              ? [
                  {
                    href: `${base}/registers`,
                    text: 'Registers',
                    active: path === '/registers' || path.startsWith('/registers/'),
                  },
                ]
              : []),
          ]
        : []),
      // The public report of the latest published year, the home page: in the menu before signing in; once signed in,
      // from the Reports page (src/web/reports-hub.ts), so that the menu keeps to one row.
      ...(res.locals.currentUser
        ? []
        : [{ href: base || '/', text: 'Public report', active: path === '/' || path.startsWith('/public/') }]),
      ...(mayCompare(res.locals.currentUser) ? [compareItem(false)] : []),
      // Users, agencies, API tokens, the audit trail, partnerships: one "Admin" item (src/accounts/web/admin-menu.ts).
      ...accountNavigation(req, res),
    ]
    next()
  })

  // The pages read most come first: Express tries every route of every router mounted before the one that answers,
  // and these two paths belong to no other router (CPU profile of the dashboard, `npm run bench:web`).
  router.use(
    dashboardRoutes({
      reports: scoped.reports.performance,
      guard: [requirePermission(accounts, 'report:view')],
      actionFlags: (user, report) => scoped.actions.flags(user, report),
    }),
  )
  router.use(
    kpiRoutes({
      performance: scoped.performance.repository,
      audit: scoped.audit,
      reports: scoped.reports.performance,
      guard: [requirePermission(accounts, 'report:view')],
      exportGuard: [requirePermission(accounts, 'report:export')],
      // Other partnerships of the instance that share the KPI, from what they have published only.
      peers: (code) => services.regional.peers(scoped.partnership, code),
      // The KPI's priority in the plan, linking to the strategy (src/plan/kpi-links.ts).
      planLink: (id) => scoped.strategy.kpiLinks.linkOf(id),
    }),
  )
  // The JSON API (/api; bearer tokens or the session; problem+json errors; its own 404 under /api).
  router.use(
    apiRoutes({
      accounts,
      performance: scoped.performance.repository,
      reports: scoped.reports.performance,
      writes: scoped.api.writes,
      returns: scoped.returns,
    }),
  )
  router.use(adminMenuRoutes())
  router.use(userAdministrationRoutes(accounts, services.twoStep))
  router.use(agencyAdministrationRoutes({ accounts, indicators: scoped.performance.repository }))
  router.use(apiTokenRoutes(accounts))
  router.use(
    importRoutes({
      accounts,
      imports: scoped.performance.importService,
      uploads: shared.uploads,
      partnershipId: scoped.partnership.id,
    }),
  )
  router.use(kpiRemovalRoutes({ accounts, performance: scoped.performance }))
  router.use(
    auditTrailRoutes({
      audit: scoped.audit,
      chain: services.auditChain,
      signInEvents: { actions: SIGN_IN_AUDIT_ACTIONS, descriptions: SIGN_IN_AUDIT_DESCRIPTIONS },
      guard: [requirePermission(accounts, 'audit:view')],
      // The death review register's events are shown only to those who hold the register (its compartment).
      hiddenEntityTypePrefix: async (res) => {
        const user = res.locals.currentUser
        return user && (await scoped.reviews.mayNotify(user)) ? null : REVIEW_ENTITY_PREFIX
      },
    }),
  )
  // Quarterly returns, review and sign-off (agency-scoped: the service checks every return's own agency).
  router.use(
    returnsRoutes({
      returns: scoped.returns,
      accounts,
      // "Decided by the SWP Board on …" on a quarter's signed-off page (src/board/decision-links.ts).
      boardDecisions: decisionsOf(scoped.meetings.service, ['report-sign-off']),
    }),
  )
  // Commissioned services and providers (agency-scoped: a provider's data owner sees its own services only).
  router.use(commissionedServiceRoutes({ commissioning: scoped.commissioning, accounts }))
  router.use(
    budgetRoutes({
      accounts,
      budget: scoped.budget,
      imports: scoped.budget.imports,
      uploads: shared.uploads,
      partnershipId: scoped.partnership.id,
      boardDecisions: decisionsOf(scoped.meetings.service, ['budget-approval']),
    }),
  )
  // The delivery plan's actions (agency-scoped for data owners: the service checks each action's lead agency).
  router.use(actionRoutes({ actions: scoped.actions, accounts }))
  // The board's meetings, decisions, attendance and packs (src/board/meeting-routes.ts): board:view, board:edit.
  router.use(
    meetingRoutes({
      meetings: scoped.meetings.service,
      packs: scoped.meetings.packs,
      scrutiny: scoped.meetings.scrutiny,
      accounts,
      printer: services.printer,
    }),
  )
  // The death review register behind its compartment (src/reviews/): 404 outside it, step-up within 15 minutes.
  router.use(
    reviewRoutes({
      reviews: scoped.reviews,
      accounts: { log: accounts.log, clock: services.accounts.clock },
      twoStep: services.twoStep,
    }),
  )
  // The public pages (`/`, `/public/performance/…`: no sign-in, disclosure-controlled) and publication approvals;
  // before the internal report's router so that `/` is the public report.
  router.use(
    publicRoutes({
      publication: scoped.publication,
      signedInGuard: [requirePermission(accounts, 'report:view')],
      publishGuard: [requirePermission(accounts, 'report:publish')],
      signOffGuard: [requirePermission(accounts, 'report:sign-off')],
      // "Decided by the SWP Board on …": the year's sign-off and publication as decisions of a meeting (src/board/).
      boardDecisions: decisionsOf(scoped.meetings.service, ['report-sign-off', 'publication-approval']),
    }),
  )
  router.use(
    performanceReportRoutes({
      reports: scoped.reports.performance,
      nunjucks: shared.nunjucks,
      guard: [requirePermission(accounts, 'report:view')],
      exportGuard: [requirePermission(accounts, 'report:export')],
    }),
  )
  // Appendix A (its downloads, narrative and publication; its public page) and the 360Giving export (src/funding/).
  router.use(
    appendixARoutes({
      appendixA: scoped.appendixA,
      threeSixtyGiving: scoped.threeSixtyGiving,
      accounts,
      nunjucks: shared.nunjucks,
      boardDecisions: decisionsOf(scoped.meetings.service, ['appendix-a-approval']),
    }),
  )
  // The annual report builder and its public page (src/annual-report/: annual-report:view, :edit, :publish).
  router.use(reportsHubRoutes(accounts))
  router.use(annualReportRoutes({ annualReport: scoped.annualReport, accounts, printer: services.printer }))
  // The plan's landing page, the strategy and its priorities, KPIs linked to them (src/plan/: plan:view, plan:edit).
  router.use(
    strategyRoutes({
      accounts,
      strategies: scoped.strategy.strategies,
      kpiLinks: scoped.strategy.kpiLinks,
      repository: scoped.strategy.repository,
      reports: scoped.reports.performance,
      money: planMoney(scoped.budget.rows),
      boardDecisions: decisionsOf(scoped.meetings.service, ['strategy-approval']),
    }),
  )
  // The annual report's number checker and the seed comparison (src/annual-report/number-check-routes.ts).
  router.use(
    numberCheckRoutes({
      accounts,
      figureCatalogue: scoped.figureCatalogue,
      uploadsDirectory: shared.uploads.directory,
      partnershipCode: scoped.partnership.onsCode,
    }),
  )
  // The annual strategic assessment and its consultation (src/plan/assessment-routes.ts): plan:view, plan:edit.
  router.use(
    assessmentRoutes({
      assessments: scoped.assessments,
      accounts,
      // The engagement register's consultations beside the assessment's own, for those who may read the registers.
      registerConsultations: (user, from, to) =>
        can(user, 'statutory:view')
          ? scoped.registers.prevent.consultationsBetween(user, from, to)
          : Promise.resolve(null),
    }),
  )
  // The board, its groups and seats, the s.5 check and Appendix B (src/board/: board:view, board:edit).
  router.use(boardRoutes({ board: scoped.board, accounts }))
  // The statutory registers' landing page, Prevent and Channel, engagement (src/registers/): statutory:view, :edit.
  router.use(
    preventRoutes({
      prevent: scoped.registers.prevent,
      accounts,
      uploadDirectory: shared.uploads.directory,
      // The other registers on the landing page. Not the death reviews: whether one exists is the compartment's.
      moreRegisters: [
        {
          href: '/registers/tensions',
          title: 'Community tensions',
          description: 'The monthly log and assessment by ward, with its trend, and the Community Cohesion Forum.',
        },
        {
          href: '/registers/reporting-centres',
          title: 'Hate-crime reporting centres',
          description: 'Third-party reporting centres: coverage by ward, checks due, reports taken and passed on.',
        },
      ],
    }),
  )
  // Police recorded crime: the partnership's overview (report:view) and the crime imports (import:run).
  router.use(
    crimeWebRoutes({
      services: { ...services, config: scoped.config },
      viewGuard: [requirePermission(accounts, 'report:view')],
      exportGuard: [requirePermission(accounts, 'report:export')],
      importGuard: [requirePermission(accounts, 'import:run')],
    }),
  )
  // Community tensions and hate-crime reporting centres (src/registers/), and retention (src/retention/).
  router.use(tensionRoutes({ tensions: scoped.tensions.log, accounts }))
  router.use(reportingCentreRoutes({ centres: scoped.tensions.centres, accounts }))
  router.use(retentionRoutes({ retention: scoped.retention, accounts }))
  return router
}
