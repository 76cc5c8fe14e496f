import type { User } from '../accounts/account-repository.ts'
import { can } from '../accounts/permissions.ts'
import { parsePeriod, type PeriodId } from '../domain/period.ts'
import type { Partnership } from '../partnerships/partnership.ts'
import type { PublicationService } from '../public/publication-service.ts'
import type { PerformanceReportService } from '../reports/performance-report-service.ts'
import { compareKpi, sharedKpis, type KpiComparison, type SharedKpi } from './comparison.ts'
import type { PopulationOf } from './populations.ts'
import { peerRows, type PeerRow, type PublishedPeer } from './published-peers.ts'
import type { PublicKpi } from '../public/public-report.ts'

/** What the regional pages read of each partnership: its reports and what it has published. */
export interface RegionalDependencies {
  readonly partnerships: { list(): Promise<Partnership[]> }
  /** The partnership's own services (`services.forPartnership(p)`): every read goes through its scoped database. */
  readonly partnership: (p: Partnership) => {
    readonly reports: Pick<PerformanceReportService, 'report' | 'yearsWithFigures'>
    readonly publication: Pick<PublicationService, 'publishedYears' | 'publicReport'>
    /** The partnership's own data version (its audit view's latest event, sign-ins left out). */
    readonly dataVersion: () => Promise<number>
  }
  /** Populations for a financial year's rates (src/regional/populations.ts). */
  readonly populations: (financialYear: number) => Promise<PopulationOf>
  /**
   * The instance's data version: changes whenever anything a report or publication shows changes (the audit chain's
   * latest event, sign-ins left out). The published peers are kept until it moves.
   */
  readonly dataVersion: () => Promise<number>
  /** The clock, in milliseconds (tests pass their own). */
  readonly now?: () => number
}

/** How long a regional page's answer is kept at most, and how many are kept. */
const REMEMBER_MS = 5 * 60 * 1000
const REMEMBERED_ANSWERS = 1_000

export interface RegionalOverview {
  readonly partnerships: readonly Partnership[]
  /** Every year any granted partnership has figures for, newest first. */
  readonly years: readonly PeriodId[]
  readonly year: PeriodId | null
  readonly shared: readonly SharedKpi[]
  /** The KPIs only one of them reports (still worth a look: a page with one row, until more are granted). */
  readonly single: readonly SharedKpi[]
}

/** The peers section of a KPI page. */
export interface PeerSection {
  readonly rows: readonly PeerRow[]
}

export interface RegionalService {
  /** The partnerships the person may compare: those where their role has 'report:compare' (a regional analyst's). */
  grantedPartnerships(user: User): Promise<Partnership[]>
  /**
   * The granted partnerships, the years they have figures for, and the KPIs two or more share in `year` (by default
   * the latest year two or more of them have figures for). Null when the person is granted none.
   */
  overview(user: User, year?: PeriodId | null): Promise<RegionalOverview | null>
  /** One shared KPI side by side for the year. Null when the person is granted none or none reports it. */
  compare(user: User, code: string, year: PeriodId): Promise<KpiComparison | null>
  /** The other partnerships of the instance that have published this KPI, from their public reports only. */
  peers(self: Partnership, code: string): Promise<PeerSection>
}

/**
 * The regional analyst's comparison and each KPI page's peers. Reads each partnership through its own services, so
 * the tenancy rule holds: a comparison is made of what each partnership's scoped services give, and only for the
 * partnerships the person is granted; a KPI page's peers come from the peers' public reports alone.
 */
export function createRegionalService(dependencies: RegionalDependencies): RegionalService {
  /**
   * Each partnership's latest published KPIs, with the partnership's own data version and settings they were read at.
   * Checked again only when the instance's data version moves, and then read again only for the partnerships whose own
   * version moved: a write in one partnership does not make a KPI page rebuild every other one's public report.
   */
  const published = new Map<number, { version: number; key: string; kpis: PublishedKpis | null }>()
  let checked: { version: number; key: string } | null = null
  let refreshing: Promise<void> | null = null

  async function refreshPublished(all: readonly Partnership[]): Promise<void> {
    const version = await dependencies.dataVersion()
    const key = JSON.stringify(all)
    if (checked && checked.version === version && checked.key === key) return
    // Concurrent pages share one refresh.
    refreshing ??= (async () => {
      for (const p of all) {
        const services = dependencies.partnership(p)
        const own = await services.dataVersion()
        const pKey = JSON.stringify(p)
        const entry = published.get(p.id)
        if (entry && entry.version === own && entry.key === pKey) continue
        const year = (await services.publication.publishedYears())[0]
        const report = year === undefined ? null : await services.publication.publicReport(year)
        published.set(p.id, {
          version: own,
          key: pKey,
          kpis:
            report === null
              ? null
              : { year: report.year, yearLabel: report.yearLabel, kpis: new Map(report.kpis.map((k) => [k.id, k])) },
        })
      }
      const present = new Set(all.map((p) => p.id))
      for (const id of published.keys()) if (!present.has(id)) published.delete(id)
      checked = { version, key }
    })().finally(() => {
      refreshing = null
    })
    await refreshing
  }

  /**
   * The regional pages' answers, by what they were asked (the granted partnerships, the year, the KPI), kept while the
   * instance's data version stays the same and for at most REMEMBER_MS (population estimates are imported without an
   * audit event). Each answer reads every granted partnership (its years, its report's version): with 300 granted,
   * about a thousand queries a view (`npm run bench:regional`: 1 to 3 views a second at 50 clients); one when nothing
   * changed.
   */
  const answers = new Map<string, { version: number; at: number; value: unknown }>()
  async function remembered<T>(key: string, work: () => Promise<T>): Promise<T> {
    // Read before the work: a change made while it runs gives a newer version, so the answer is not kept past it.
    const version = await dependencies.dataVersion()
    const now = (dependencies.now ?? Date.now)()
    const hit = answers.get(key)
    if (hit && hit.version === version && now - hit.at < REMEMBER_MS) return hit.value as T
    const value = await work()
    answers.delete(key)
    answers.set(key, { version, at: now, value })
    // The oldest first out: Map keeps insertion order.
    while (answers.size > REMEMBERED_ANSWERS) answers.delete(answers.keys().next().value as string)
    return value
  }

  async function grantedPartnerships(user: User): Promise<Partnership[]> {
    const granted = new Set(comparedPartnershipIds(user))
    if (granted.size === 0) return []
    return (await dependencies.partnerships.list()).filter((p) => granted.has(p.id))
  }

  async function figuresFor(partnerships: readonly Partnership[], year: PeriodId) {
    const populationOf = await dependencies.populations(financialYearOf(year))
    return Promise.all(
      partnerships.map(async (p) => ({
        partnership: { id: p.id, name: p.name },
        report: await dependencies.partnership(p).reports.report(year),
        population: populationOf(p.onsCode),
      })),
    )
  }

  async function overviewOf(
    partnerships: readonly Partnership[],
    requested: PeriodId | null,
  ): Promise<RegionalOverview> {
    const yearsOf = await Promise.all(partnerships.map((p) => dependencies.partnership(p).reports.yearsWithFigures()))
    const counts = new Map<PeriodId, number>()
    for (const years of yearsOf) for (const y of new Set(years)) counts.set(y, (counts.get(y) ?? 0) + 1)
    const years = [...counts.keys()].sort((a, b) => b.localeCompare(a))
    const year =
      requested !== null && counts.has(requested)
        ? requested
        : (years.find((y) => (counts.get(y) ?? 0) >= 2) ?? years[0] ?? null)
    if (year === null) return { partnerships, years, year, shared: [], single: [] }
    const reports = await Promise.all(partnerships.map((p) => dependencies.partnership(p).reports.report(year)))
    const shared = sharedKpis(reports)
    const single = sharedKpis(reports, 1).filter((k) => k.partnerships === 1)
    return { partnerships, years, year, shared, single }
  }

  async function peersOf(self: Partnership, code: string): Promise<PeerSection> {
    const all = await dependencies.partnerships.list()
    await refreshPublished(all)
    const found: { partnership: Partnership; year: string; yearLabel: string; kpi: PublicKpi }[] = []
    for (const p of all) {
      if (p.id === self.id) continue
      const kpis = published.get(p.id)?.kpis
      const kpi = kpis?.kpis.get(code)
      if (kpis && kpi) found.push({ partnership: p, year: kpis.year, yearLabel: kpis.yearLabel, kpi })
    }
    const populations = new Map<number, PopulationOf>()
    const peers: PublishedPeer[] = []
    for (const f of found) {
      const fy = financialYearOf(f.year)
      let of = populations.get(fy)
      if (!of) populations.set(fy, (of = await dependencies.populations(fy)))
      peers.push({
        partnership: { name: f.partnership.name, slug: f.partnership.slug },
        year: f.year,
        yearLabel: f.yearLabel,
        kpi: f.kpi,
        population: of(f.partnership.onsCode),
      })
    }
    return { rows: peerRows(peers) }
  }

  return {
    grantedPartnerships,

    async overview(user, requested = null) {
      const partnerships = await grantedPartnerships(user)
      if (partnerships.length === 0) return null
      return remembered(`overview ${partnerships.map((p) => p.id).join(',')} ${requested}`, () =>
        overviewOf(partnerships, requested),
      )
    },

    async compare(user, code, year) {
      const partnerships = await grantedPartnerships(user)
      if (partnerships.length === 0) return null
      return remembered(`compare ${partnerships.map((p) => p.id).join(',')} ${code} ${year}`, async () =>
        compareKpi(code, await figuresFor(partnerships, year)),
      )
    },

    peers(self, code) {
      // Every KPI page asks: kept, as the regional pages are, so that a view does not list the instance's partnerships
      // and walk them all (300 in `npm run bench:regional`, where it cost the KPI page 40% of its throughput).
      return remembered(`peers ${self.id} ${code}`, () => peersOf(self, code))
    },
  }
}

/**
 * The ids of the partnerships a person may compare: those where their membership's role has 'report:compare' (a
 * regional analyst's), asked of the one permission policy. Nothing for a disabled person.
 */
export function comparedPartnershipIds(user: User): number[] {
  return user.memberships
    .filter((m) =>
      can(
        { role: m.role, agencyId: m.agencyId, disabled: user.disabled, mustChangePassword: user.mustChangePassword },
        'report:compare',
      ),
    )
    .map((m) => m.partnershipId)
}

interface PublishedKpis {
  readonly year: PeriodId
  readonly yearLabel: string
  readonly kpis: ReadonlyMap<string, PublicKpi>
}

/** 2017 for `FY2017-18`. */
function financialYearOf(year: PeriodId): number {
  const p = parsePeriod(year)
  if (!p || p.kind !== 'year') throw new Error(`${year} is not a financial year`)
  return p.financialYear
}
