import express from 'express'
import { can } from '../../accounts/permissions.ts'
import { safeCell, type Cell } from '../../shared/cell-safety.ts'
import { OGL_ATTRIBUTION } from '../../shared/open-government-licence.ts'
import { attachment, fileSlug } from '../../shared/web/content-disposition.ts'
import type { CrimeServices } from '../crime-services.ts'
import { resolveServedPartnerships } from '../geography/geography.ts'
import { POLICE_FORCES } from '../geography/police-forces.ts'
import type { Partnership } from '../reference/partnerships.ts'
import { crimeOverview, headlineYear } from './overview.ts'
import { headlineView, overviewView } from './overview-view.ts'

function text(value: unknown, max = 120): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : ''
}

/** Police force identifiers (data.police.uk) whose files cover an ONS police force area. */
function forcesOfArea(forceAreaCode: string): string[] {
  return POLICE_FORCES.filter((f) => f.forceAreaCode === forceAreaCode).map((f) => f.id)
}

/** A CSV field, quoted when it must be (RFC 4180), formula-safe. */
function csvField(cell: Cell): string {
  const safe = safeCell(cell)
  if (safe === null) return ''
  const s = String(safe)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * The crime overview (report:view): `/crime`, the partnership's police recorded crime from data.police.uk by month and
 * quarter, its crime-type mix, headline figures and rankings; `/crime/months.csv`, the monthly table.
 */
export function crimeOverviewRoutes(deps: {
  readonly services: CrimeServices
  readonly viewGuard: readonly express.RequestHandler[]
  /** Run after `viewGuard` by the CSV download ('report:export'). */
  readonly exportGuard: readonly express.RequestHandler[]
}): express.Router {
  const { services } = deps
  const router = express.Router()

  /** The instance's own partnerships (SAFERHUB_SERVED_PARTNERSHIPS, or the one its name names). */
  function servedPartnerships(): Partnership[] {
    let served: string[]
    try {
      served = resolveServedPartnerships(
        services.config.servedPartnerships ?? null,
        services.config.partnershipName,
        services.crime.geography(),
      ).map((p) => p.code)
    } catch {
      // A served-partnerships setting naming no partnership is reported at start-up; here the user chooses one.
      served = []
    }
    const directory = services.crimeComparisons.directory()
    return served.flatMap((code) => directory.byCode(code) ?? [])
  }

  /** The partnership the request names (validated against the directory), or the instance's own. */
  function chosenPartnership(req: express.Request): {
    partnership: Partnership | null
    query: string
    error: string | null
  } {
    const query = text(req.query.partnership)
    if (query === '') return { partnership: servedPartnerships()[0] ?? null, query, error: null }
    try {
      return { partnership: services.crimeComparisons.headlines.findPartnership(query), query, error: null }
    } catch (error) {
      return { partnership: null, query, error: error instanceof Error ? error.message : String(error) }
    }
  }

  async function overviewOf(partnership: Partnership) {
    const forces = forcesOfArea(partnership.forceCode)
    const loadedMonths = [
      ...new Set(
        (await services.crime.repository.forceMonths())
          .filter((fm) => forces.includes(fm.policeForce))
          .map((fm) => fm.month),
      ),
    ].sort()
    const counts =
      loadedMonths.length === 0
        ? []
        : await services.crime.repository.partnershipCounts({
            partnershipCodes: [partnership.code],
            fromMonth: loadedMonths[0] as string,
            toMonth: loadedMonths.at(-1) as string,
          })
    return { loadedMonths, overview: crimeOverview(counts, loadedMonths) }
  }

  router.get('/crime', ...deps.viewGuard, async (req, res, next) => {
    try {
      const chosen = chosenPartnership(req)
      const served = servedPartnerships()
      const base = {
        pageTitle: 'Police recorded crime',
        query: chosen.query,
        served: served.map((p) => ({ code: p.code, name: p.name })),
        canImport: can(res.locals.currentUser, 'import:run'),
      }
      if (!chosen.partnership) {
        if (chosen.error) res.status(400)
        res.render('crime/overview.njk', {
          ...base,
          errorList: chosen.error ? [{ text: chosen.error, href: '#partnership' }] : [],
          fieldError: chosen.error ? { text: chosen.error } : undefined,
        })
        return
      }
      const partnership = chosen.partnership
      const { loadedMonths, overview } = await overviewOf(partnership)
      let headlines: ReturnType<typeof headlineView> | null = null
      let headlineError: string | null = null
      const year = headlineYear(loadedMonths)
      if (year !== null) {
        try {
          headlines = headlineView(await services.crimeComparisons.headlines.financialYear(partnership.code, year))
        } catch (error) {
          headlineError = error instanceof Error ? error.message : String(error)
        }
      }
      res.render('crime/overview.njk', {
        ...base,
        partnership: { code: partnership.code, name: partnership.name, forceName: partnership.forceName },
        loaded: loadedMonths.length > 0,
        csvHref: `${req.baseUrl}/crime/months.csv?partnership=${encodeURIComponent(partnership.code)}`,
        view: loadedMonths.length > 0 ? overviewView(partnership, overview) : null,
        headlines,
        headlineError,
      })
    } catch (error) {
      next(error)
    }
  })

  router.get('/crime/months.csv', ...deps.viewGuard, ...deps.exportGuard, async (req, res, next) => {
    try {
      const chosen = chosenPartnership(req)
      if (!chosen.partnership) {
        res
          .status(chosen.error ? 400 : 404)
          .type('text/plain')
          .send(chosen.error ?? 'No partnership chosen')
        return
      }
      const partnership = chosen.partnership
      const { overview } = await overviewOf(partnership)
      const rows: Cell[][] = [
        ['Partnership', 'ONS code', 'Month', 'Total recorded crime', 'Note'],
        ...overview.months.map((m) => [
          partnership.name,
          partnership.code,
          m.month,
          m.crimes,
          m.crimes === null ? 'not loaded' : '',
        ]),
      ]
      const body =
        rows.map((row) => row.map(csvField).join(',')).join('\r\n') +
        '\r\n' +
        csvField('Source: data.police.uk street-level crime (every crime type except anti-social behaviour). ') +
        csvField(OGL_ATTRIBUTION) +
        '\r\n'
      res
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', attachment(`${fileSlug(partnership.name)}-recorded-crime-by-month.csv`))
        .send(`\uFEFF${body}`)
    } catch (error) {
      next(error)
    }
  })

  return router
}
