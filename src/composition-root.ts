import path from 'node:path'
import type { Config } from './config.ts'
import { openDatabase, type Database } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { createAuditRepository } from './audit/audit-repository.ts'
import { createAccountService } from './accounts/account-service.ts'
import { prepareAccounts, securityLog } from './accounts/first-start.ts'
import { createTwoStepService } from './accounts/two-step/two-step-service.ts'
import { DEMO_ACTOR, loadDemoDataIfEmpty } from './performance/demo.ts'
import { createPublicationRepository } from './public/publication-repository.ts'
import { createPublicationService } from './public/publication-service.ts'
import { createCommentaryReviewRepository } from './public/commentary-review-repository.ts'
import { roleNames } from './accounts/roles.ts'
import { createPerformanceImportService } from './performance/import-service.ts'
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
import { createReturnsRepository } from './returns/returns-repository.ts'
import { createReturnsService } from './returns/returns-service.ts'
import { DEFAULT_DAYS_AFTER_QUARTER_END } from './returns/due-dates.ts'

/** For tests: run the whole application over a database they opened (e.g. `openTestDatabase(dialect)`); and what
 * only the web server wants. */
export interface ServiceOverrides {
  readonly database?: Database
  /** PostgreSQL: where an idle pooled connection ended by the server is reported (the web server logs it). */
  readonly onConnectionLost?: (message: string) => void
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

  const audit = createAuditRepository(database)
  const performanceRepository = createPerformanceRepository(database, audit)
  const performanceImports = createPerformanceImportService({ repository: performanceRepository })
  // First start: an empty database gets the demo framework, so `npm start` on a fresh clone shows a report.
  let demoLoaded = false
  if (config.loadDemoData) {
    try {
      demoLoaded = (await loadDemoDataIfEmpty(performanceRepository, performanceImports)) !== null
    } catch (error) {
      await database.close()
      throw error
    }
  }

  // Accounts: sign-in, sessions, users, agencies, API tokens. On start: the usual agencies, the first
  // administrator (one-time password printed once), and the demo accounts when the demo is on.
  const accounts = createAccountService({
    database,
    audit,
    sessionIdleMinutes: config.sessionIdleMinutes,
    sessionAbsoluteHours: config.sessionAbsoluteHours,
    log: securityLog(),
  })
  try {
    await prepareAccounts(accounts, config)
  } catch (error) {
    await database.close()
    throw error
  }

  // Two-step sign-in (authenticator app, recovery codes), as SAFERHUB_TWO_STEP says; secrets sealed under a key
  // derived from SESSION_SECRET.
  const twoStep = createTwoStepService({
    database,
    audit,
    accounts,
    policy: config.twoStepPolicy ?? 'required',
    applicationSecret: config.sessionSecret,
    issuer: config.partnershipName,
  })

  // Police recorded crime from data.police.uk: counts by partnership and month, over the ONS geography lookups.
  const crimeRepository = createCrimeRepository(database)
  const crimeGeography = geographyLoader(config.dataDirectory)
  const crimeImports = createCrimeImportService({
    repository: crimeRepository,
    geography: crimeGeography,
    servedPartnershipsSetting: config.servedPartnerships ?? null,
    partnershipName: config.partnershipName,
  })

  // Comparing partnerships: ONS recorded crime tables, population estimates, peer groups, headline figures.
  const partnershipDirectory = partnershipDirectoryLoader(() =>
    readDistrictPartnershipFile(lookupFilePaths(config.dataDirectory).partnership),
  )
  const referenceRepository = createReferenceRepository(database)
  const peerGroupRepository = createPeerGroupRepository(database)
  const crimeComparisons = {
    directory: partnershipDirectory,
    referenceRepository,
    reference: createCrimeReferenceService({ repository: referenceRepository, directory: partnershipDirectory }),
    peerGroups: createPeerGroupService({
      repository: peerGroupRepository,
      references: referenceRepository,
      directory: partnershipDirectory,
      profile: districtProfileLoader(config.dataDirectory),
    }),
    headlines: createHeadlinesService({
      directory: partnershipDirectory,
      references: referenceRepository,
      peerGroups: peerGroupRepository,
      streetCounts: crimeRepository,
    }),
  }

  // Publication to the public (src/public/): the two-person rule, and disclosure control on every public figure.
  const performanceReports = createPerformanceReportService({
    figures: performanceRepository,
    partnership: config.partnershipName,
    build: buildPerformanceReport,
    // Sign-in events (entity "user") change nothing the report shows: they must not make every sign-in rebuild it.
    dataVersion: () => audit.latestId({ ignoring: ['user'] }),
  })
  const publication = createPublicationService({
    repository: createPublicationRepository(database, audit),
    reviews: createCommentaryReviewRepository(database, audit),
    reports: performanceReports,
    rules: { minimumCount: config.sdcMinimumCount ?? 5 },
    // Approvers and reviewers by name and role, for readers who are not shown colleagues' emails.
    people: async (userId) => {
      const user = await accounts.findUser({ system: 'publication' }, userId)
      return user === null ? null : { name: user.name, roleName: roleNames[user.role] }
    },
  })
  // The demo's 2017/18 report is published by the demo loader itself (actor "demo-data"), so `/` shows it at once.
  if (demoLoaded) await publication.recordDemoPublication('FY2017-18', DEMO_ACTOR)

  // Quarterly returns from data owners, the analyst's review and the board's sign-off (src/returns/).
  const returns = createReturnsService({
    repository: createReturnsRepository(database, audit),
    figures: performanceRepository,
    report: (year) => performanceReports.report(year),
    daysAfterQuarterEnd: config.returnsDueDays ?? DEFAULT_DAYS_AFTER_QUARTER_END,
  })

  return {
    config,
    database,
    /** Quarterly returns, review, sign-off and quarter locks. */
    returns,
    /** Publication approvals and the public (disclosure-controlled) report. */
    publication,
    audit,
    accounts,
    /** Two-step sign-in: setting it up, the second step at sign-in, administrators' resets. */
    twoStep,
    performance: {
      repository: performanceRepository,
      importService: performanceImports,
      importFiles: performanceImports.importPerformanceFiles,
    },
    crime: {
      repository: crimeRepository,
      /** LSOA → district → partnership → force (`reference/ons/`, or the instance's own updated copy). */
      geography: crimeGeography,
      imports: crimeImports,
    },
    /** Police recorded crime compared across partnerships: `crime import-ons-tables`, `crime headlines`, … */
    crimeComparisons,
    /** The JSON API's writes (one figure at a time, version-checked, idempotent, audited). */
    api: { writes: createApiRepository(database, audit) },
    reports: {
      /** The performance report, regenerated from the stored figures (web page, downloads, `report` command). */
      performance: performanceReports,
    },
    async close() {
      await database.close()
    },
  }
}

export type Services = Awaited<ReturnType<typeof createServices>>
