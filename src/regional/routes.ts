import express, { type Request, type Response } from 'express'
import { requireSignIn } from '../accounts/web/authentication.ts'
import type { User } from '../accounts/account-repository.ts'
import type { AccountService } from '../accounts/account-service.ts'
import { barChart } from '../charts/bar-chart.ts'
import { period, type PeriodId } from '../domain/period.ts'
import { parseReportYear, yearSlug } from '../reports/performance-report-service.ts'
import type { KpiComparison } from './comparison.ts'
import { comparedPartnershipIds, type RegionalService } from './regional-service.ts'

export interface RegionalRoutesOptions {
  readonly regional: Pick<RegionalService, 'overview' | 'compare'>
  /** Where refusals are logged as security events (the accounts service's log). */
  readonly accounts: Pick<AccountService, 'log'>
}

/** A KPI's definition code in an address: as the KPI pages take it. */
const KPI_CODE = /^[a-z0-9][a-z0-9-]{0,99}$/

/**
 * True when the person holds, in at least one partnership, a role that may compare partnerships (a regional
 * analyst's): the menu offers the comparison, and the pages answer.
 */
export function mayCompare(user: User | undefined): boolean {
  return user !== undefined && comparedPartnershipIds(user).length > 0
}

/**
 * The regional analyst's pages, at the instance's own addresses (no `/p/<slug>`: they span partnerships):
 * `/regional` lists the partnerships the person is granted and the KPIs two or more of them share;
 * `/regional/kpis/<code>?year=2017-18` sets one KPI side by side. Someone signed in with no regional analyst's
 * membership is refused with 403, as a page their role does not allow is everywhere else; a partnership they are not
 * granted never appears, whatever the address asks.
 */
export function regionalRoutes(options: RegionalRoutesOptions): express.Router {
  const router = express.Router()
  const refuse = (req: Request, res: Response) => {
    const user = res.locals.currentUser
    options.accounts.log({
      event: 'authz-denied',
      userId: user?.id ?? null,
      action: 'report:compare',
      method: req.method,
      path: req.path,
    })
    res.status(403).render('accounts/forbidden.njk', {
      pageTitle: 'You do not have access to this page',
      reason: 'Your account does not allow this. Ask your administrator if you need it.',
    })
  }
  // The header names the comparison, not a partnership: these pages belong to none.
  const header = (res: Response) => {
    res.locals.partnershipName = 'Partnerships compared'
  }

  router.get('/regional', requireSignIn(), async (req, res) => {
    const user = res.locals.currentUser as User
    const requested = typeof req.query.year === 'string' ? parseReportYear(req.query.year) : null
    const overview = await options.regional.overview(user, requested)
    if (!overview) return refuse(req, res)
    header(res)
    res.render('regional/overview.njk', {
      pageTitle: 'Compare partnerships',
      overview,
      yearLabel: overview.year ? period(overview.year).label : null,
      yearSlug: overview.year ? yearSlug(overview.year) : null,
      yearItems: overview.years.map((y) => ({
        value: yearSlug(y),
        text: period(y).label,
        selected: y === overview.year,
      })),
    })
  })

  router.get('/regional/kpis/:code', requireSignIn(), async (req, res, next) => {
    const user = res.locals.currentUser as User
    const code = String(req.params.code)
    const requested = typeof req.query.year === 'string' ? parseReportYear(req.query.year) : null
    const overview = await options.regional.overview(user, requested)
    if (!overview) return refuse(req, res)
    if (!KPI_CODE.test(code) || overview.year === null) return next()
    const comparison = await options.regional.compare(user, code, overview.year)
    if (!comparison) return next()
    header(res)
    res.render('regional/kpi.njk', {
      pageTitle: `${comparison.name}: partnerships compared, ${comparison.yearLabel}`,
      comparison,
      chart: comparisonChart(comparison),
      yearSlug: yearSlug(overview.year as PeriodId),
      yearItems: overview.years.map((y) => ({
        value: yearSlug(y),
        text: period(y).label,
        selected: y === overview.year,
      })),
    })
  })
  return router
}

/**
 * The bars: the rate per 1,000 where the KPI is a count and two or more partnerships have one (populations differ, so
 * counts alone mislead), else the outturn. Partnerships with neither are left out of the chart and said so in its
 * description; the table below it lists every partnership.
 */
function comparisonChart(comparison: KpiComparison): { svg: string; measure: string } | null {
  const rated = comparison.rows.filter((r) => r.rate !== null)
  const byRate = comparison.ratesApply && rated.length >= 2
  const drawn = byRate ? rated : comparison.rows.filter((r) => r.outturn !== null)
  if (drawn.length === 0) return null
  const measure = byRate
    ? 'rate per 1,000 residents'
    : comparison.measureType === 'proportion'
      ? 'outturn (%)'
      : 'outturn'
  const left = comparison.rows.length - drawn.length
  const description =
    `${comparison.summary} The chart shows the ${measure} of ${drawn.length} partnership${drawn.length === 1 ? '' : 's'}` +
    (left > 0 ? `; ${left} without one ${left === 1 ? 'is' : 'are'} in the table only.` : '.')
  return {
    measure,
    svg: barChart({
      id: `regional-${comparison.code}-chart`,
      title: `${comparison.name}, ${comparison.yearLabel}: ${measure} by partnership`,
      description,
      bars: drawn.map((r) => ({ label: r.partnershipName, value: (byRate ? r.rate : r.outturn) as number })),
      width: 720,
      // About 6.5 pixels a character at 12px: room for the longest name, within reason.
      labelWidth: Math.min(
        320,
        Math.max(140, Math.ceil(Math.max(...drawn.map((r) => r.partnershipName.length)) * 6.5) + 12),
      ),
      ...(byRate ? { numberLabel: (n: number) => n.toFixed(2) } : {}),
    }),
  }
}
