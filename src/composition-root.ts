import path from 'node:path'
import type { Config } from './config.ts'
import { openDatabase, type Database } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { createChainCheck } from './audit/chain-check.ts'
import { createAuditRepository } from './audit/audit-repository.ts'
import { createAccountService } from './accounts/account-service.ts'
import { scopeToPartnership } from './db/partnership-scope.ts'
import { createPartnershipRepository } from './partnerships/partnership-repository.ts'
import { createPartnershipService } from './partnerships/partnership-service.ts'
import { effectiveSettings, type InstanceDefaults, type Partnership } from './partnerships/partnership.ts'
import { prepareAccounts, prepareDemoAccounts, securityLog } from './accounts/first-start.ts'
import { createTwoStepService } from './accounts/two-step/two-step-service.ts'
import { DEMO_ACTOR, DEMO_PARTNERSHIP, loadDemoDataIfEmpty } from './performance/demo.ts'
import { removePartnership, rowsNotWrittenBy } from './partnerships/partnership-removal.ts'
import { indicatorHoldings, removeIndicator } from './performance/indicator-removal.ts'
import { demoUsers } from './accounts/demo-users.ts'
import { defaultAgencies } from './accounts/default-agencies.ts'
import { createPublicationRepository } from './public/publication-repository.ts'
import { createPublicationService } from './public/publication-service.ts'
import { createCommentaryReviewRepository } from './public/commentary-review-repository.ts'
import { roleNames } from './accounts/roles.ts'
import { can } from './accounts/permissions.ts'
import { createPerformanceImportService } from './performance/import-service.ts'
import type { ImportReader } from './performance/import/read-in-worker.ts'
import { createPerformanceRepository } from './performance/performance-repository.ts'
import { buildPerformanceReport } from './domain/build-performance-report.ts'
import { nextFinancialYear } from './domain/budget.ts'
import { financialYearDates } from './domain/period.ts'
import { createPerformanceReportService } from './reports/performance-report-service.ts'
import { createCrimeRepository } from './crime/crime-repository.ts'
import { geographyLoader } from './crime/geography/lookup-files.ts'
import { createCrimeImportService } from './crime/ingest/import-service.ts'
import {
  lookupFilePaths,
  readDistrictPartnershipFile,
  SHIPPED_LOOKUP_DIRECTORY,
} from './crime/geography/lookup-files.ts'
import { readWardLookup, type OnsWard, type WardLookup } from './crime/geography/wards.ts'
import { partnershipDirectoryLoader } from './crime/reference/partnerships.ts'
import { createReferenceRepository } from './crime/reference/reference-repository.ts'
import { createCrimeReferenceService } from './crime/reference/reference-service.ts'
import { createPeerGroupRepository } from './crime/peer-groups/peer-group-repository.ts'
import { createPeerGroupService } from './crime/peer-groups/peer-group-service.ts'
import { districtProfileLoader } from './crime/peer-groups/district-profile.ts'
import { createHeadlinesService } from './crime/headlines/headlines-service.ts'
import { createApiRepository } from './api/api-repository.ts'
import { createApiWrites } from './api/api-writes.ts'
import { createFigureWriter } from './performance/write-figure.ts'
import { createReturnsRepository } from './returns/returns-repository.ts'
import { createReturnWrites } from './returns/return-writes.ts'
import { createReturnsService } from './returns/returns-service.ts'
import { DEFAULT_DAYS_AFTER_QUARTER_END } from './returns/due-dates.ts'
import { createActionRepository } from './plan/action-repository.ts'
import { createActionService } from './plan/action-service.ts'
import { createReturnActionUpdates } from './plan/action-return-updates.ts'
import { loadDemoActions } from './plan/action-demo.ts'
import { createCaseTextCipher, type CaseTextCipher } from './reviews/case-text-cipher.ts'
import { createReviewRepository } from './reviews/review-repository.ts'
import { createReviewService } from './reviews/review-service.ts'
import { reviewFigures } from './reviews/review-figures.ts'
import { loadDemoReviews } from './reviews/review-demo.ts'
import { createRegionalService } from './regional/regional-service.ts'
import { PdfPrinter } from './documents/pdf-printer.ts'
import { populationsFor } from './regional/populations.ts'
import { createServiceRepository } from './funding/service-repository.ts'
import { createCommissioning } from './funding/service-commissioning.ts'
import { createServiceReturnOutputs } from './funding/service-return-outputs.ts'
import { loadDemoServices } from './funding/service-demo.ts'
import { createBudgetRepository } from './funding/budget-repository.ts'
import { createBudgetService } from './funding/budget-service.ts'
import { createBudgetImportService } from './funding/budget-import-service.ts'
import { loadBudgetDemo } from './funding/budget-demo.ts'
import { createAppendixARepository } from './funding/appendix-a-repository.ts'
import { createAppendixAService } from './funding/appendix-a-service.ts'
import { createAnnualReportRepository } from './annual-report/annual-report-repository.ts'
import { createAnnualReportService } from './annual-report/annual-report-service.ts'
import { kpiSeriesOf, tableBlock } from './annual-report/annual-report-generated.ts'
import { checkNumbers } from './annual-report/number-check.ts'
import type { FigureProvider } from './annual-report/figures.ts'
import { loadDemoAnnualReport } from './annual-report/annual-report-demo.ts'
import { buildAppendixA } from './funding/appendix-a.ts'
import { appendixATable } from './funding/appendix-a-exports.ts'
import { summaryTable } from './reports/export-tables.ts'
import { protectReport } from './public/public-report.ts'
import { publicFiguresTable } from './public/public-exports.ts'
import { readGrantRows } from './funding/three-sixty-giving-rows.ts'
import { createThreeSixtyGivingService } from './funding/three-sixty-giving-service.ts'
import { createStrategyRepository } from './plan/strategy-repository.ts'
import { createStrategyService } from './plan/strategy-service.ts'
import { createKpiLinkService } from './plan/kpi-links.ts'
import { loadDemoStrategy } from './plan/strategy-demo.ts'
import { loadDemoBoard } from './board/board-demo.ts'
import { createBoardRepository } from './board/board-repository.ts'
import { createBoardService } from './board/board-service.ts'
import type { HeadlinesService } from './crime/headlines/headlines-service.ts'
import { createAssessmentRepository } from './plan/assessment-repository.ts'
import { createAssessmentService } from './plan/assessment-service.ts'
import { loadDemoAssessment } from './plan/assessment-demo.ts'
import {
  budgetFigureProvider,
  crimeFigureProvider,
  figureCatalogue,
  kpiFigureProvider,
} from './annual-report/figure-catalogue.ts'
import { createTensionRepository } from './registers/tension-repository.ts'
import { createTensionService, tensionEntryRetention } from './registers/tension-service.ts'
import { createReportingCentreRepository } from './registers/reporting-centre-repository.ts'
import { createReportingCentreService, reportingCentreRetention } from './registers/reporting-centre-service.ts'
import { tensionFigures } from './registers/tension-figures.ts'
import { loadDemoTensions } from './registers/tension-demo.ts'
import { createRetentionService } from './retention/retention-service.ts'
import { preventRetention } from './registers/prevent-retention.ts'
import { DEATH_REVIEW_RETENTION } from './reviews/review-retention.ts'
import { createPreventRepository } from './registers/prevent-repository.ts'
import { createPreventService } from './registers/prevent-service.ts'
import { preventFigureProvider } from './registers/prevent-figures.ts'
import { loadDemoPrevent } from './registers/prevent-demo.ts'
import { createMeetingRepository } from './board/meeting-repository.ts'
import { createMeetingService } from './board/meeting-service.ts'
import { createMeetingPapers } from './board/meeting-papers.ts'
import { createAgendaPacks } from './board/meeting-pack.ts'
import { createScrutinyPacks } from './board/scrutiny-pack.ts'
import { loadDemoMeetings } from './board/meeting-demo.ts'
import { STATUS_WORDS as PLAN_ACTION_STATUS_WORDS } from './plan/action-service.ts'
import { CLOSED_STATUSES as PLAN_ACTION_CLOSED } from './plan/action-overdue.ts'

/**
 * For tests: run the whole application over a database they opened (e.g. `openTestDatabase(dialect)`). And what only
 * the web server wants (`onConnectionLost`).
 */
export interface ServiceOverrides {
  readonly database?: Database
  /** PostgreSQL: where an idle pooled connection ended by the server is reported (the web server logs it). */
  readonly onConnectionLost?: (message: string) => void
  /**
   * What a start creates in an empty database. `serve` (the default, and the web server's): the first administrator
   * and, with `SAFERHUB_DEMO` on, the demo partnership. `nothing`: every other command, so that a first `import` or
   * `report` never loads the demo or Wolverhampton's agencies unasked (`saferhub init` makes the partnership and the
   * administrator; `saferhub demo load` the demo).
   */
  readonly firstStart?: 'serve' | 'nothing'
  /** How import files are read (default: off the event loop); tests count the reads with their own. */
  readonly importReader?: ImportReader
}

/**
 * The one place where the application is put together: the database first, then repositories over it,
 * then the services built from them. The web server and the command line both start here, so they
 * always share the same rules. Routes and commands never see a database client, only services.
 */
export async function createServices(config: Config, overrides: ServiceOverrides = {}) {
  const database: Database =
    overrides.database ??
    openDatabase({
      databaseUrl: config.databaseUrl,
      sqliteFile: path.join(config.dataDirectory, 'saferhub.sqlite'),
      ...(config.lockWaitSeconds === undefined ? {} : { lockWaitMs: config.lockWaitSeconds * 1000 }),
      ...(overrides.onConnectionLost === undefined ? {} : { onConnectionLost: overrides.onConnectionLost }),
    })
  await migrateToLatest(database)

  // The instance: its audit trail (one chain for every partnership), accounts (sign-in, sessions, people), and its
  // partnerships. Everything a partnership owns is reached through `forPartnership` below.
  const audit = createAuditRepository(database)
  // The chain is the instance's: one check for every partnership's audit trail page, kept up to date as it grows.
  const auditChain = createChainCheck(audit)
  // The death review register's key (src/reviews/case-text-cipher.ts): one for the instance, read when first needed.
  const caseCipher = createCaseTextCipher(
    config.caseKey
      ? { kind: 'environment', base64: config.caseKey }
      : config.caseKeyFile
        ? { kind: 'file', path: config.caseKeyFile, mayCreate: !config.production }
        : { kind: 'process' },
  )
  const accounts = createAccountService({
    database,
    audit,
    sessionIdleMinutes: config.sessionIdleMinutes,
    sessionAbsoluteHours: config.sessionAbsoluteHours,
    log: securityLog(),
  })

  // Police recorded crime from data.police.uk: counts by partnership and month, over the ONS geography lookups.
  // National public data: shared by every partnership of the instance.
  const crimeRepository = createCrimeRepository(database)
  const crimeGeography = geographyLoader(config.dataDirectory)
  // The ONS wards of 2018 each partnership's area holds (src/crime/geography/wards.ts), read once when first asked for.
  let wardLookup: WardLookup | null = null
  const wardsByPartnership = new Map<string, readonly OnsWard[]>()
  const onsWardsOf = (code: string): readonly OnsWard[] => {
    wardLookup ??= readWardLookup(SHIPPED_LOOKUP_DIRECTORY)
    const found = wardsByPartnership.get(code) ?? wardLookup.wardsOf(crimeGeography(), code)
    wardsByPartnership.set(code, found)
    return found
  }
  const partnershipDirectory = partnershipDirectoryLoader(() =>
    readDistrictPartnershipFile(lookupFilePaths(config.dataDirectory).partnership),
  )
  const partnershipRepository = createPartnershipRepository(database.db)
  const partnerships = createPartnershipService({
    database,
    repository: partnershipRepository,
    audit,
    onsPartnership: (code) => {
      const found = partnershipDirectory().partnerships.find((p) => p.code === code)
      return found ? { name: found.name, forceName: found.forceName, districtCodes: found.districtCodes } : null
    },
  })
  const instanceDefaults: InstanceDefaults = {
    disclosureMinimum: config.sdcMinimumCount ?? 5,
    returnsDueDays: config.returnsDueDays ?? DEFAULT_DAYS_AFTER_QUARTER_END,
    twoStepPolicy: config.twoStepPolicy ?? 'required',
  }

  /**
   * Everything one partnership owns, over a database handle bound to it (src/db/partnership-scope.ts: every query
   * on a partnership's table is filtered to it, every insert stamped with it). Built once per partnership and
   * kept (the report cache lives here); built again when the partnership's settings change.
   */
  const scoped = new Map<number, { key: string; services: PartnershipServices }>()
  function forPartnership(partnership: Partnership): PartnershipServices {
    const key = JSON.stringify(partnership)
    const cached = scoped.get(partnership.id)
    if (cached?.key === key) return cached.services
    const services = createPartnershipServices(
      {
        database,
        config,
        instanceDefaults,
        caseCipher,
        ...(overrides.importReader ? { importReader: overrides.importReader } : {}),
        // Read when a page cites a crime figure, never while the services are built (it is made further down).
        crimeHeadlines: () => crimeComparisons.headlines,
        onsWards: onsWardsOf,
      },
      partnership,
    )
    scoped.set(partnership.id, { key, services })
    return services
  }

  /**
   * The demo partnership (the seed report's Wolverhampton) with its framework, its agencies and accounts and its
   * published 2017/18 report: made when asked (`saferhub demo load`, or a first `serve` with the demo on), never by
   * another command. Returns it, and the import of its framework (null when it had one already).
   */
  async function createDemoPartnership(): Promise<{
    partnership: Partnership
    loaded: Awaited<ReturnType<typeof loadDemoDataIfEmpty>>
  }> {
    const existing = await partnerships.findBySlug(DEMO_PARTNERSHIP.slug)
    let partnership: Partnership
    if (existing) partnership = existing
    else {
      const created = await partnerships.add(DEMO_ACTOR, DEMO_PARTNERSHIP)
      if (!created.ok) throw new Error(`The demo partnership was refused: ${JSON.stringify(created.problems)}`)
      partnership = created.value
    }
    const demo = forPartnership(partnership)
    const loaded = await loadDemoDataIfEmpty(demo.performance.repository, demo.performance.importService)
    await prepareDemoAccounts(demo.accounts, config)
    // The plan and its money, in the order they refer to each other: the seed's 2017-20 strategy, its priorities and
    // two years' delivery priorities with its KPIs linked (src/plan/); then the money by priority (src/funding/);
    // Appendix A last, because the demo publishes it with the money in it.
    await loadDemoStrategy(demo.strategy, DEMO_ACTOR)
    await demo.budget.loadDemo(DEMO_ACTOR)
    // The services the seed names, their providers and reported outputs (src/funding/), under the priorities and streams.
    await loadDemoServices(demo.database, demo.audit)
    // The delivery plan's actions from the seed report, under the strategy's priorities (loaded before this line).
    await loadDemoActions({ database: demo.database, audit: demo.audit }, DEMO_ACTOR)
    // The demo's 2017/18 report is published by the demo loader itself (actor "demo-data"), so `/` shows it.
    if (loaded) await demo.publication.recordDemoPublication('FY2017-18', DEMO_ACTOR)
    // Each of these loads only what is missing, so `saferhub demo load` completes a demo made by an earlier version.
    await demo.appendixA.loadDemo(DEMO_ACTOR)
    await loadDemoAssessment(demo.assessments)
    // The SWP Board, its seats and the groups the seed names (src/board/board-demo.ts); only what is missing.
    await loadDemoBoard({ database: demo.database, audit: demo.audit }, DEMO_ACTOR)
    // The board's 2017-18 meetings, their attendance and decisions (src/board/meeting-demo.ts): after the board's own
    // loader (nothing while the partnership has no board), before the annual report, which the June 2018 meeting approves.
    await loadDemoMeetings({ database: demo.database, audit: demo.audit }, DEMO_ACTOR)
    // Wards, 20 reporting centres and a year of tension assessments, all illustrative (src/registers/tension-demo.ts).
    await demo.tensions.loadDemo(DEMO_ACTOR)
    // The seed's 2017-18 annual report rebuilt (src/annual-report/): in review until the board's decision is recorded.
    await loadDemoAnnualReport(demo.annualReport, DEMO_ACTOR)
    // The Prevent and engagement registers (src/registers/): referrals from Appendix C, the rest as the seed names it.
    await demo.registers.loadDemoPrevent(DEMO_ACTOR)
    // The seed's two death review notifications of 2017-18, the demo administrator granted the register.
    await demo.reviews.loadDemo(DEMO_ACTOR)
    return { partnership, loaded }
  }

  /**
   * `saferhub demo remove`: the demo partnership and everything it owns, its accounts and (when no other
   * partnership uses them) its agencies, in one audited unit of work. Refused, naming them, while it holds anything
   * the demo loader did not write (someone's own figures imported into it), unless `deleteOwnWork` says so.
   */
  async function removeDemoPartnership(
    actor: string,
    options: { readonly deleteOwnWork?: boolean } = {},
  ): Promise<
    | { readonly outcome: 'none' }
    | { readonly outcome: 'refused'; readonly notFromTheDemo: string[] }
    | ({ readonly outcome: 'removed'; readonly partnership: Partnership } & Awaited<
        ReturnType<typeof removePartnership>
      >)
  > {
    const partnership = await partnerships.findBySlug(DEMO_PARTNERSHIP.slug)
    if (!partnership) return { outcome: 'none' }
    const scoped = forPartnership(partnership)
    const notFromTheDemo = await rowsNotWrittenBy(scoped.database, DEMO_ACTOR)
    if (notFromTheDemo.length > 0 && !options.deleteOwnWork) return { outcome: 'refused', notFromTheDemo }
    const removed = await removePartnership(
      { database: scoped.database, repository: partnershipRepository, audit: scoped.audit },
      partnership,
      actor,
      { people: demoUsers.map((u) => u.email), agencies: defaultAgencies.map((a) => a.code) },
    )
    return { outcome: 'removed', partnership, ...removed }
  }

  // Two-step sign-in (authenticator app, recovery codes), as SAFERHUB_TWO_STEP says (a partnership may require more
  // of its members); secrets sealed under a key derived from SESSION_SECRET.
  const twoStep = createTwoStepService({
    database,
    audit,
    accounts,
    policy: instanceDefaults.twoStepPolicy,
    applicationSecret: config.sessionSecret,
    issuer: config.partnershipName,
  })

  const crimeImports = createCrimeImportService({
    repository: crimeRepository,
    geography: crimeGeography,
    servedPartnershipsSetting: config.servedPartnerships ?? null,
    instancePartnershipCodes: async () => (await partnerships.list()).flatMap((p) => p.onsCode ?? []),
    partnershipName: config.partnershipName,
  })

  // Comparing partnerships: ONS recorded crime tables, population estimates, peer groups, headline figures.
  const referenceRepository = createReferenceRepository(database)
  const peerGroupRepository = createPeerGroupRepository(database)
  const districtProfile = districtProfileLoader(config.dataDirectory)
  const crimeComparisons = {
    directory: partnershipDirectory,
    referenceRepository,
    reference: createCrimeReferenceService({ repository: referenceRepository, directory: partnershipDirectory }),
    peerGroups: createPeerGroupService({
      repository: peerGroupRepository,
      references: referenceRepository,
      directory: partnershipDirectory,
      profile: districtProfile,
    }),
    headlines: createHeadlinesService({
      directory: partnershipDirectory,
      references: referenceRepository,
      peerGroups: peerGroupRepository,
      streetCounts: crimeRepository,
    }),
  }

  // Partnerships compared: the regional analyst's pages and each KPI page's peers. Each partnership is read through
  // its own scoped services; populations come from the ONS reference data above.
  const regional = createRegionalService({
    partnerships,
    partnership: (p) => {
      const scopedServices = forPartnership(p)
      return {
        reports: scopedServices.reports.performance,
        publication: scopedServices.publication,
        dataVersion: () => scopedServices.audit.latestId({ ignoring: ['user'] }),
      }
    },
    populations: (financialYear) =>
      populationsFor(
        { references: referenceRepository, directory: partnershipDirectory, profile: districtProfile },
        financialYear,
      ),
    // Sign-in events change nothing a report or a publication shows.
    dataVersion: () => audit.latestId({ ignoring: ['user'] }),
  })

  // Last, once every service is made (the demo's annual report reads crime's headlines, made above).
  // First start: the first administrator (one-time password printed once); with the demo on and no partnership
  // yet, the demo partnership with its framework, agencies and accounts, so `npm start` on a fresh clone shows a
  // report. Only when serving: a command creates nothing it was not asked for.
  // The first administrator's one-time password is kept for `serve` to print last, after the line saying where it
  // serves, so that nothing scrolls it away.
  const firstStartNotices: string[] = []
  if ((overrides.firstStart ?? 'serve') === 'serve') {
    try {
      await prepareAccounts(accounts, config, (text) => firstStartNotices.push(text))
      if (config.loadDemoData && (await partnerships.list()).length === 0) await createDemoPartnership()
    } catch (error) {
      await database.close()
      throw error
    }
  }

  // The printed documents' one browser (Debian's Chromium): launched on the first PDF or DOCX with charts, reused,
  // closed with the services.
  const printer = new PdfPrinter()

  return {
    config,
    database,
    audit,
    /** The audit chain checked as it grows (the audit trail pages show it). */
    auditChain,
    accounts,
    /** Two-step sign-in: setting it up, the second step at sign-in, administrators' resets. */
    twoStep,
    /** The instance's partnerships: adding, renaming, settings, finding one by code, slug or name. */
    partnerships,
    /** Everything one partnership owns: its KPIs, returns, publication, reports, API writes, accounts, audit view. */
    forPartnership,
    /** What the first start has to tell the person who started it (the first administrator's password), or none. */
    firstStartNotices: Object.freeze([...firstStartNotices]),
    /** The demo partnership (Wolverhampton's seed report): made only when asked, and removed with all it owns. */
    demo: { create: createDemoPartnership, remove: removeDemoPartnership },
    /** What `createPartnershipServices` needs from the instance. */
    instance: { database, config, instanceDefaults, caseCipher },
    crime: {
      repository: crimeRepository,
      /** LSOA → district → partnership → force (`reference/ons/`, or the instance's own updated copy). */
      geography: crimeGeography,
      imports: crimeImports,
    },
    /** Police recorded crime compared across partnerships: `crime import-ons-tables`, `crime headlines`, … */
    crimeComparisons,
    /** Partnerships' KPIs compared: the regional analyst's pages (`/regional`) and each KPI page's published peers. */
    regional,
    /** Prints documents to tagged PDFs and draws their charts for the DOCX (src/documents/). */
    printer,
    async close() {
      try {
        await printer.close()
      } finally {
        await database.close()
      }
    },
  }
}

export type Services = Awaited<ReturnType<typeof createServices>>

/**
 * Everything one partnership owns, over a database handle bound to it. Built by `forPartnership` (once per
 * partnership, kept while its settings stay the same).
 */
export function createPartnershipServices(
  instance: {
    readonly database: Database
    readonly config: Config
    readonly instanceDefaults: InstanceDefaults
    /** The death review register's cipher (its key is the instance's, never in the database). */
    readonly caseCipher: CaseTextCipher
    readonly importReader?: ImportReader
    /** The instance's police recorded crime headlines, for the strategic assessment's citations. */
    readonly crimeHeadlines?: () => HeadlinesService
    /** The wards an ONS partnership code's area holds, in the ONS lookup of 2018. */
    readonly onsWards?: (partnershipCode: string) => readonly OnsWard[]
  },
  partnership: Partnership,
) {
  const { database, config, instanceDefaults } = instance
  const settings = effectiveSettings(partnership, instanceDefaults)
  const scopedDatabase = scopeToPartnership(database, partnership.id)
  const partnershipAudit = createAuditRepository(scopedDatabase)
  const performanceRepository = createPerformanceRepository(scopedDatabase)
  // The one way a figure is written, whoever writes it: imports, an accepted return, the API, the browser
  // (src/performance/write-figure.ts). Each service opens its unit of work on the partnership's handle and hands it in.
  const figures = createFigureWriter({ audit: partnershipAudit })
  const performanceImports = createPerformanceImportService({
    database: scopedDatabase,
    repository: performanceRepository,
    audit: partnershipAudit,
    figures,
    ...(instance.importReader ? { read: instance.importReader } : {}),
  })
  const partnershipAccounts = createAccountService({
    database: scopedDatabase,
    audit: partnershipAudit,
    sessionIdleMinutes: config.sessionIdleMinutes,
    sessionAbsoluteHours: config.sessionAbsoluteHours,
    log: securityLog(),
  })
  const performanceReports = createPerformanceReportService({
    figures: performanceRepository,
    partnership: partnership.name,
    build: buildPerformanceReport,
    // Sign-in events (entity "user") change nothing the report shows: they must not make every sign-in rebuild it.
    dataVersion: () => partnershipAudit.latestId({ ignoring: ['user'] }),
  })
  const publication = createPublicationService({
    repository: createPublicationRepository(scopedDatabase, partnershipAudit),
    reviews: createCommentaryReviewRepository(scopedDatabase, partnershipAudit),
    reports: performanceReports,
    rules: { minimumCount: settings.disclosureMinimum },
    // Approvers and reviewers by name and role, for readers who are not shown colleagues' emails.
    people: async (userId) => {
      const user = await partnershipAccounts.findUser({ system: 'publication' }, userId)
      return user === null ? null : { name: user.name, roleName: roleNames[user.role] }
    },
  })
  // The death review register behind its compartment (src/reviews/): text sealed under the instance's key.
  const reviewRepository = createReviewRepository()
  const reviewService = createReviewService({
    database: scopedDatabase,
    repository: reviewRepository,
    audit: partnershipAudit,
    cipher: instance.caseCipher,
    partnershipId: partnership.id,
    people: async () =>
      (await partnershipAccounts.listUsers({ system: 'death-review-register' })).map((u) => ({
        id: u.id,
        email: u.email,
        name: u.name,
      })),
    // The retention service is built further down, with the registers' repositories; the register asks it for a
    // period only when its retention page is used.
    retentionPeriod: (recordType) => retention.periodFor(recordType),
  })
  const reviews = Object.assign(reviewService, {
    /** The register's counts for the annual report and KPIs, under the publication's disclosure rule. */
    figures: reviewFigures(reviewService.countsFor, { minimumCount: settings.disclosureMinimum }),
    /** The demo's two notifications of 2017-18, the demo administrator granted the register (idempotent). */
    loadDemo: async (actor: string) => {
      const people = await partnershipAccounts.listUsers({ system: 'death-review-register' })
      const demoAdministrator = demoUsers.find((u) => u.role === 'administrator')?.email
      const administrator = people.find((u) => u.email === demoAdministrator && u.role === 'administrator') ?? null
      await loadDemoReviews(
        { database: scopedDatabase, repository: reviewRepository, audit: partnershipAudit, reviews: reviewService },
        administrator,
        actor,
      )
    },
  })
  // The delivery plan's actions (src/plan/action-*.ts); agencies update theirs through their quarterly return.
  const actionRepository = createActionRepository(scopedDatabase)
  const actions = createActionService({
    database: scopedDatabase,
    repository: actionRepository,
    audit: partnershipAudit,
  })
  const returnActions = createReturnActionUpdates({
    database: scopedDatabase,
    audit: partnershipAudit,
    repository: actionRepository,
  })
  // Commissioned services (src/funding/service-*.ts): providers report their outputs in the quarterly return.
  const serviceRepository = createServiceRepository(scopedDatabase)
  const serviceOutputs = createServiceReturnOutputs({ repository: serviceRepository, audit: partnershipAudit })
  // Quarterly returns from data owners, the analyst's review and the board's sign-off (src/returns/).
  const returnsRepository = createReturnsRepository(scopedDatabase)
  const returns = createReturnsService({
    repository: returnsRepository,
    writes: createReturnWrites({
      database: scopedDatabase,
      repository: returnsRepository,
      audit: partnershipAudit,
      figures,
      actions: returnActions,
      outputs: serviceOutputs,
    }),
    figures: performanceRepository,
    report: (year) => performanceReports.report(year),
    daysAfterQuarterEnd: settings.returnsDueDays,
    actions: returnActions,
    outputs: serviceOutputs,
  })
  // The money (src/funding/): funding streams, awards, carry-forwards, allocations and spend; the year's budget
  // computed from them (src/domain/budget.ts); the budget import. Services and Appendix A read it through here.
  const budgetRepository = createBudgetRepository(scopedDatabase)
  const budgetDeps = { database: scopedDatabase, repository: budgetRepository, audit: partnershipAudit }
  const budget = {
    ...createBudgetService(budgetDeps),
    imports: createBudgetImportService(budgetDeps),
    /** The partnership's money rows as src/domain/budget.ts takes them (the plan and Appendix A read them here). */
    rows: () => budgetRepository.readRows(),
    /** The demo partnership's money (the seed's PCC grant and funds); loading again changes nothing. */
    loadDemo: (actor: string) => loadBudgetDemo(budgetDeps, actor),
  }
  // Appendix A (its narrative, two-person publication) and the 360Giving export (src/funding/), over the budget's
  // own read of the money rows.
  const appendixA = createAppendixAService({
    database: scopedDatabase,
    repository: createAppendixARepository(partnershipAudit),
    rows: budget.rows,
    partnership: partnership.name,
    people: async (userId) => {
      const user = await partnershipAccounts.findUser({ system: 'publication' }, userId)
      return user === null ? null : { name: user.name, roleName: roleNames[user.role] }
    },
  })
  const threeSixtyGiving = createThreeSixtyGivingService({
    database: scopedDatabase,
    audit: partnershipAudit,
    rows: () => readGrantRows(scopedDatabase),
    partnership: { name: partnership.name, slug: partnership.slug },
  })
  // The plan's strategy, its priorities and delivery priorities, and KPIs' links to them (src/plan/).
  const strategyRepository = createStrategyRepository(scopedDatabase)
  const strategy = {
    repository: strategyRepository,
    strategies: createStrategyService({
      database: scopedDatabase,
      repository: strategyRepository,
      audit: partnershipAudit,
    }),
    kpiLinks: createKpiLinkService({
      database: scopedDatabase,
      repository: strategyRepository,
      audit: partnershipAudit,
    }),
  }
  // The annual strategic assessment (src/plan/assessment-*.ts): its citations read the performance report above and
  // the instance's police recorded crime headlines for the partnership's ONS area, never typed figures.
  const assessments = createAssessmentService({
    database: scopedDatabase,
    repository: createAssessmentRepository(scopedDatabase),
    audit: partnershipAudit,
    figures: {
      report: (year) => performanceReports.report(year),
      crimeHeadlines: async (startYear) => {
        if (partnership.onsCode === null) throw new Error(`${partnership.name} has no ONS code`)
        const headlines = instance.crimeHeadlines?.()
        if (!headlines) throw new Error('this instance keeps no police recorded crime')
        return headlines.financialYear(partnership.onsCode, startYear)
      },
    },
  })
  // Police recorded crime's headlines for the partnership's area, for the figure catalogue: none for a partnership
  // without an ONS code, or one the instance's ONS lookup does not hold (it has no police recorded crime).
  const crimeHeadlinesOf = async (startYear: number) => {
    const headlines = instance.crimeHeadlines?.()
    if (!headlines || partnership.onsCode === null) return null
    try {
      headlines.findPartnership(partnership.onsCode)
    } catch {
      return null
    }
    return headlines.financialYear(partnership.onsCode, startYear)
  }
  // Community tensions and the hate-crime third-party reporting centres (src/registers/tension-*, reporting-centre-*).
  const tensionRepository = createTensionRepository(partnershipAudit)
  const partnershipWards = () => (partnership.onsCode ? (instance.onsWards?.(partnership.onsCode) ?? []) : [])
  const reportingCentreRepository = createReportingCentreRepository(partnershipAudit)
  const tensions = {
    log: createTensionService({
      database: scopedDatabase,
      repository: tensionRepository,
      centres: reportingCentreRepository,
      audit: partnershipAudit,
      onsWards: partnershipWards,
    }),
    centres: createReportingCentreService({
      database: scopedDatabase,
      repository: reportingCentreRepository,
      tensions: tensionRepository,
    }),
    /** The annual report's figures (centres, wards covered, reports, log entries), small counts marked. */
    figures: tensionFigures({
      unit: () => ({ trx: scopedDatabase.db, dialect: scopedDatabase.dialect, partnershipId: partnership.id }),
      tensions: tensionRepository,
      centres: reportingCentreRepository,
      rules: { minimumCount: settings.disclosureMinimum },
    }),
    loadDemo: (actor: string) =>
      loadDemoTensions(
        {
          database: scopedDatabase,
          tensions: tensionRepository,
          centres: reportingCentreRepository,
          onsWards: partnershipWards,
        },
        actor,
      ),
  }
  // The Prevent and Channel record and the engagement registers (src/registers/prevent-*, engagement-*): they read
  // the Prevent referrals KPI's returned values to compare (never write them) and list the plan's own Prevent actions.
  const preventRepository = createPreventRepository(partnershipAudit)
  // Retention (src/retention/): each record type is one descriptor in this list (its table, the date that starts its
  // clock, a label without personal text, what still needs a row, and how a row is deleted).
  const retention = createRetentionService({
    database: scopedDatabase,
    audit: partnershipAudit,
    descriptors: [
      tensionEntryRetention(tensionRepository),
      reportingCentreRetention(reportingCentreRepository),
      ...preventRetention(preventRepository),
    ],
    // The death review register's record types: their periods are set here, their cases listed and deleted only
    // inside the register's compartment (src/reviews/review-retention.ts).
    compartmented: DEATH_REVIEW_RETENTION,
  })
  const prevent = createPreventService({
    database: scopedDatabase,
    repository: preventRepository,
    disclosureMinimum: settings.disclosureMinimum,
    indicators: async () => (await performanceRepository.listIndicators()).map((i) => ({ value: i.id, text: i.name })),
    kpiQuarterValues: async (indicatorId, year) => {
      const values = await performanceRepository.listValues({ indicatorIds: [indicatorId], years: [year] })
      return new Map(values.filter((v) => /-Q[1-4]$/.test(v.period)).map((v) => [v.period, v.value]))
    },
    planActions: async (viewer, deliveryPriorityId) => {
      if (!can(viewer, 'plan:view')) return null
      const { actions: listed } = await actions.list(viewer)
      return listed
        .filter((a) => a.deliveryPriorityId === deliveryPriorityId)
        .map((a) => ({
          id: a.id,
          reference: a.reference,
          title: a.title,
          statusText: a.statusText,
          dueDate: a.dueDate,
          overdue: a.overdue,
        }))
    },
  })
  const registers = {
    prevent,
    /** The registers' figures of a year for the annual report (src/annual-report/figures.ts). */
    preventFigures: preventFigureProvider(() => prevent.rowsForFigures(), settings.disclosureMinimum),
    loadDemoPrevent: (actor: string) =>
      loadDemoPrevent({ database: scopedDatabase, repository: preventRepository }, actor),
  }
  // The board, its groups and their seats, the s.5 check and Appendix B (src/board/).
  const board = createBoardService({
    database: scopedDatabase,
    repository: createBoardRepository(scopedDatabase),
    audit: partnershipAudit,
  })
  // The board's and groups' meetings, decisions and actions (src/board/meeting-*.ts), their agenda packs with papers
  // read from the features that hold them, and the year's scrutiny pack.
  const meetings = createMeetingService({
    database: scopedDatabase,
    repository: createMeetingRepository(scopedDatabase),
    audit: partnershipAudit,
  })
  // The papers as of a meeting's date: the report as signed off by then, the spend of the quarters ended by then, the
  // actions' status from their dated updates (src/board/meeting-papers.ts).
  const meetingPapers = createMeetingPapers({
    report: (year) => performanceReports.report(year),
    signedOffReports: () => returns.signedOffReports(),
    yearBudget: (year, date) => budget.yearBudgetAsOf(year, date),
    planActions: async () =>
      Promise.all(
        (await actionRepository.listActions()).map(async (a) => ({
          reference: a.reference,
          title: a.title,
          statusText: PLAN_ACTION_STATUS_WORDS[a.status],
          closed: PLAN_ACTION_CLOSED.includes(a.status),
          startDate: a.startDate,
          dueDate: a.dueDate,
          // Newest first from the repository: oldest first here, so that of two on one day the later one counts.
          updates: (await actionRepository.listUpdates(a.id)).reverse().map((u) => ({
            writtenOn: u.writtenOn,
            statusText: PLAN_ACTION_STATUS_WORDS[u.status],
            closed: PLAN_ACTION_CLOSED.includes(u.status),
          })),
        })),
      ),
  })
  const boardMeetings = {
    service: meetings,
    packs: createAgendaPacks({ meetings, papers: meetingPapers, partnership: partnership.name }),
    scrutiny: createScrutinyPacks({ meetings, papers: meetingPapers, partnership: partnership.name }),
  }
  // Every figure the partnership holds for a year, as the annual report binds it and the number checker compares with
  // it (src/annual-report/figure-catalogue.ts): the performance report's KPIs, the budget's lines (the year's and the
  // next year's: Appendix A), police recorded crime's headlines, and each register's counts.
  const figureProviders: FigureProvider[] = [
    kpiFigureProvider(performanceReports),
    budgetFigureProvider(budget),
    crimeFigureProvider(crimeHeadlinesOf),
    tensions.figures,
    registers.preventFigures,
    reviews.figures,
  ]
  const yearFigures = (year: string) => figureCatalogue(figureProviders, year)
  // The annual report builder (src/annual-report/): its figures from the catalogue, its generated parts from the
  // budget (Appendix A: the next year's allocation, as the seed prints), the board (Appendix B, the seats held at the
  // year's end) and the performance report (Appendix C); the number checker's contradictions block its approval.
  const annualReportProviders: FigureProvider[] = [yearFigures]
  const annualReport = createAnnualReportService({
    database: scopedDatabase,
    repository: createAnnualReportRepository(partnershipAudit),
    partnership: partnership.name,
    providers: annualReportProviders,
    priorities: async (year) => {
      const current = await strategy.strategies.current(year)
      const detail = current === null ? null : await strategy.strategies.detail(current.id)
      return detail?.priorities.filter((p) => p.kind === 'strategic').map((p) => p.name) ?? []
    },
    generated: async (part, year, audience) => {
      if (part === 'appendix-a') {
        const appendix = buildAppendixA(partnership.name, await budget.rows(), nextFinancialYear(year), null)
        return [tableBlock(appendixATable(appendix), `Appendix A: budget allocation ${appendix.yearLabel}`)]
      }
      if (part === 'appendix-c') {
        const report = await performanceReports.report(year as Parameters<typeof performanceReports.report>[0])
        if (report === null) return [{ kind: 'paragraph', runs: [{ text: 'No KPI figures are held for the year.' }] }]
        // The public's Appendix C is the public report's: every figure through disclosure control.
        return audience === 'public'
          ? [
              tableBlock(
                publicFiguresTable(protectReport(report, { minimumCount: settings.disclosureMinimum })),
                `Appendix C: performance report ${report.yearLabel}`,
              ),
            ]
          : [tableBlock(summaryTable(report), `Appendix C: performance report ${report.yearLabel}`)]
      }
      // The seats held on the year's last day (31 March).
      const yearEnd = financialYearDates(year)?.to
      if (part === 'appendix-b' && yearEnd) return (await board.appendixBAsOf(yearEnd)).blocks
      return [{ kind: 'paragraph', runs: [{ text: 'Appendix B is generated from the board.' }] }]
    },
    checker: async (text, figures) =>
      checkNumbers(text, figures).findings.map((finding) => ({
        kind: finding.outcome === 'acknowledged' ? 'from-data' : finding.outcome,
        message: `line ${finding.line}: ${finding.message}`,
      })),
    series: async (indicator, year) => {
      const report = await performanceReports.report(year as Parameters<typeof performanceReports.report>[0])
      return report === null ? null : kpiSeriesOf(report, indicator)
    },
    disclosure: { minimumCount: settings.disclosureMinimum },
  })
  return {
    partnership,
    /** Community tensions (`log`) and reporting centres (`centres`), their figures and demo. */
    tensions,
    /** Retention periods, the review list of what is due, and deletion leaving a tombstone. */
    retention,
    /** The statutory registers: Prevent and Channel, engagement (src/registers/). */
    registers,
    /** Meetings, decisions, actions, attendance, the agenda and scrutiny packs (src/board/meeting-service.ts). */
    meetings: boardMeetings,
    /** Appendix A of a year: page, downloads, narrative and its check, publication under the two-person rule. */
    appendixA,
    /** The grants (commissioned services) in the 360Giving Data Standard, and how the partnership names itself there. */
    threeSixtyGiving,
    /** The partnership's settings, the instance's filling the gaps. */
    settings,
    /** The instance's configuration, with this partnership's name. */
    config: Object.freeze({
      ...config,
      partnershipName: partnership.name,
      // Its crime overview opens on its own area (its ONS code), whatever the instance serves.
      servedPartnerships: partnership.onsCode === null ? (config.servedPartnerships ?? null) : [partnership.onsCode],
    }),
    database: scopedDatabase,
    returns,
    /** The delivery plan's actions (src/plan/action-service.ts). */
    actions,
    /** The death review register (src/reviews/review-service.ts): its compartment, figures and `deleteCase`. */
    reviews,
    /** Commissioned services, their providers, money, outputs and monitoring (src/funding/service-commissioning.ts). */
    commissioning: createCommissioning({
      database: scopedDatabase,
      repository: serviceRepository,
      audit: partnershipAudit,
      budget,
    }),
    publication,
    /** The money: `budget.yearBudget(year)`, `budget.years()`, the budget page's writes and the budget import. */
    budget,
    audit: partnershipAudit,
    accounts: partnershipAccounts,
    performance: {
      repository: performanceRepository,
      importService: performanceImports,
      importFiles: performanceImports.importPerformanceFiles,
      /** Removes a KPI (refused, saying what would be lost, unless its figures are to go too; audited). */
      removeIndicator: (actor: string, indicatorId: string, options: { readonly deleteHoldings: boolean }) =>
        removeIndicator({ database: scopedDatabase, audit: partnershipAudit }, actor, indicatorId, options),
      /** What removing a KPI would take with it (the confirmation page). */
      indicatorHoldings: (indicatorId: string) => indicatorHoldings(scopedDatabase, indicatorId),
    },
    /** The JSON API's writes (one figure at a time, version-checked, idempotent, audited). */
    api: {
      writes: createApiWrites({ database: scopedDatabase, repository: createApiRepository(scopedDatabase), figures }),
    },
    reports: {
      /** The performance report, regenerated from the stored figures (web page, downloads, `report` command). */
      performance: performanceReports,
    },
    /** The strategy and its priorities, and KPIs' links to them (the plan's landing page reads them). */
    strategy,
    /** The annual strategic assessment, its citations of the partnership's figures, and its consultation. */
    assessments,
    /**
     * The year's figures an annual report binds and the number checker compares with (src/annual-report/): the
     * performance report's KPIs and the budget's lines (the year's and the next year's, Appendix A's).
     */
    figureCatalogue: yearFigures,
    /** The board, its groups and their seats, the s.5 check and Appendix B (src/board/). */
    board,
    /** The annual report builder: chapters, blocks bound to figures, locks, comments, approval, publication. */
    annualReport,
  }
}

/** What one partnership's pages, API and commands work with (`services.forPartnership(partnership)`). */
export type PartnershipServices = ReturnType<typeof createPartnershipServices>
