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
import { createPerformanceImportService } from './performance/import-service.ts'
import type { ImportReader } from './performance/import/read-in-worker.ts'
import { createPerformanceRepository } from './performance/performance-repository.ts'
import { buildPerformanceReport } from './domain/build-performance-report.ts'
import { createPerformanceReportService } from './reports/performance-report-service.ts'
import { createCrimeRepository } from './crime/crime-repository.ts'
import { geographyLoader } from './crime/geography/lookup-files.ts'
import { createCrimeImportService } from './crime/ingest/import-service.ts'
import { lookupFilePaths, readDistrictPartnershipFile } from './crime/geography/lookup-files.ts'
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
import { readGrantRows } from './funding/three-sixty-giving-rows.ts'
import { createThreeSixtyGivingService } from './funding/three-sixty-giving-service.ts'
import { createStrategyRepository } from './plan/strategy-repository.ts'
import { createStrategyService } from './plan/strategy-service.ts'
import { createKpiLinkService } from './plan/kpi-links.ts'
import { loadDemoStrategy } from './plan/strategy-demo.ts'
import type { HeadlinesService } from './crime/headlines/headlines-service.ts'
import { createAssessmentRepository } from './plan/assessment-repository.ts'
import { createAssessmentService } from './plan/assessment-service.ts'
import { loadDemoAssessment } from './plan/assessment-demo.ts'

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
    async close() {
      await database.close()
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
  return {
    partnership,
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
  }
}

/** What one partnership's pages, API and commands work with (`services.forPartnership(partnership)`). */
export type PartnershipServices = ReturnType<typeof createPartnershipServices>
