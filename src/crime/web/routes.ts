import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import express from 'express'
import { can } from '../../accounts/permissions.ts'
import { lineChart } from '../../charts/line-chart.ts'
import { barChart } from '../../charts/bar-chart.ts'
import { safeCell, type Cell } from '../../shared/cell-safety.ts'
import { OGL_ATTRIBUTION } from '../../shared/open-government-licence.ts'
import { attachment, fileSlug } from '../../shared/web/content-disposition.ts'
import { BadMultipart, parseMultipart, readBody, UploadTooLarge } from '../../shared/web/multipart.ts'
import { resolveServedPartnerships } from '../geography/geography.ts'
import { POLICE_FORCES } from '../geography/police-forces.ts'
import { CrimeImportError, type ImportSummary } from '../ingest/import-service.ts'
import { parseStreetFileName, StreetFileListingError } from '../ingest/street-files.ts'
import type { Partnership } from '../reference/partnerships.ts'
import { formatTableProblem } from '../reference/recorded-crime-table.ts'
import type { ReferenceImportResult } from '../reference/reference-service.ts'
import type { HeadlineReport } from '../headlines/headlines-service.ts'
import { ordinal, type Ranking } from '../headlines/ranking.ts'
import type { CrimeServices } from '../crime-services.ts'
import { crimeOverview, describeMonthlyTotals, headlineYear, type CrimeOverview } from './overview.ts'

declare module 'express-session' {
  interface SessionData {
    /** The outcome of the last crime import from the browser, kept only until the import page shows it once. */
    crimeImportOutcome?: CrimeImportOutcome
  }
}

/** What the import page shows after an upload (kept in the session between the POST and the GET). */
export interface CrimeImportOutcome {
  readonly kind: ImportKind
  readonly fileName: string
  readonly ok: boolean
  /** Lines of the summary (on success). */
  readonly summary: readonly { readonly label: string; readonly value: string }[]
  /** Every problem (on failure), with the file and line or row it is on. */
  readonly problems: readonly { readonly where: string; readonly reason: string }[]
  readonly problemsLeftOut: number
}

export type ImportKind = 'police-uk' | 'ons-tables' | 'population'

const IMPORT_KINDS: Record<ImportKind, string> = {
  'police-uk': 'data.police.uk street-level crime (a monthly CSV file, or the zip archive as downloaded)',
  'ons-tables': 'ONS police force area data tables (the workbook, or a CSV extract of table C2)',
  population: 'ONS mid-year population estimates by district (the workbook)',
}

/**
 * Uploads above this many bytes are refused with 413, counted while the body streams in. A month of street-level
 * files for every force is about 60 MB unzipped and 15 MB zipped; the ONS workbooks are under 1 MB.
 */
export const CRIME_UPLOAD_LIMIT_BYTES = 100 * 1024 * 1024

/** At most this many problems are kept for the page (the count of the rest is shown). */
const MAX_PROBLEMS_SHOWN = 200

export interface CrimeWebDependencies {
  readonly services: CrimeServices
  /** Guards for the overview (report:view) and the import page (import:run). */
  readonly viewGuard: readonly express.RequestHandler[]
  readonly importGuard: readonly express.RequestHandler[]
  readonly uploadLimitBytes?: number
}

const n = (value: number) => value.toLocaleString('en-GB')
const oneDecimal = (value: number) =>
  value.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
const signedPercent = (value: number) => `${value > 0 ? '+' : ''}${oneDecimal(value)}%`

function text(value: unknown, max = 120): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : ''
}

/** Police force identifiers (data.police.uk) whose files cover an ONS police force area. */
function forcesOfArea(forceAreaCode: string): string[] {
  return POLICE_FORCES.filter((f) => f.forceAreaCode === forceAreaCode).map((f) => f.id)
}

/** The rows of a ranking table: every ranked area, then those left out with the reason. */
function rankingRows(ranking: Ranking, selfCode: string, format: (value: number) => string) {
  return [
    ...ranking.areas.map((a) => ({
      name: a.name,
      code: a.code,
      self: a.code === selfCode,
      rank: ordinal(a.rank),
      value: format(a.value),
      reason: '',
    })),
    ...ranking.excluded.map((e) => ({
      name: e.name,
      code: e.code,
      self: e.code === selfCode,
      rank: 'Not ranked',
      value: '',
      reason: e.reason,
    })),
  ]
}

/** The headline figures, ready to print (numbers rounded as the report rounds them). */
function headlineView(report: HeadlineReport) {
  const f = report.figures
  const position = (p: { rank: number; of: number } | null) => (p ? `${ordinal(p.rank)} of ${p.of}` : 'Not ranked')
  return {
    yearLabel: f.yearLabel,
    previousYearLabel: f.previousYearLabel,
    measure: f.measure,
    source: f.source,
    forceName: f.forceName,
    change: f.change
      ? {
          before: n(f.change.before),
          after: n(f.change.after),
          change: `${f.change.change > 0 ? '+' : ''}${n(f.change.change)}`,
          percent: f.change.percent === null ? 'no percentage (none last year)' : signedPercent(f.change.percent),
          reading: f.change.reading ?? '',
        }
      : null,
    rate: f.rate ? { perThousand: oneDecimal(f.rate.perThousand), source: f.rate.population.source } : null,
    share: {
      thisYear: f.share.thisYear === null ? null : `${oneDecimal(f.share.thisYear)}%`,
      lastYear: f.share.lastYear === null ? null : `${oneDecimal(f.share.lastYear)}%`,
      basis: f.share.basis,
    },
    positionByRate: position(f.positionByRate),
    positionByChange: position(f.positionByChange),
    rankByRate: { best: f.rankByRate.best, rows: rankingRows(f.rankByRate, f.partnership.code, oneDecimal) },
    rankByChange: {
      best: f.rankByChange.best,
      rows: rankingRows(f.rankByChange, f.partnership.code, signedPercent),
    },
    peerGroup: f.peerGroup
      ? {
          name: f.peerGroup.name,
          source: f.peerGroup.source,
          asOf: f.peerGroup.asOf,
          position: position(f.peerGroup.position),
          best: f.peerGroup.ranking.best,
          rows: rankingRows(f.peerGroup.ranking, f.partnership.code, oneDecimal),
        }
      : null,
    sentences: report.sentences,
    notes: report.notes,
  }
}

/** The charts and tables of the overview. Charts are built here (they escape their own text) and marked safe. */
function overviewView(partnership: Partnership, overview: CrimeOverview) {
  const what = `Total recorded crime in ${partnership.name}`
  const monthlyDescription = describeMonthlyTotals(what, overview.months)
  const quarterPoints = overview.quarters.map((q) => ({
    label: q.label.replace(/^\d{4}\/\d{2} /, ''),
    value: q.crimes,
  }))
  const shownQuarters = overview.quarters.filter((q) => q.crimes !== null)
  const quarterDescription =
    shownQuarters.length === 0
      ? `No financial quarter of total recorded crime in ${partnership.name} has all three months loaded.`
      : `${what} by financial quarter: ${shownQuarters.map((q) => `${q.label} ${n(q.crimes as number)}`).join(', ')}.` +
        (shownQuarters.length < overview.quarters.length
          ? ` ${overview.quarters.length - shownQuarters.length} quarter(s) without every month loaded are left as gaps.`
          : '')
  const bands: { label: string; from: number; to: number }[] = []
  overview.quarters.forEach((q, index) => {
    const year = q.label.slice(0, 7)
    const band = bands.at(-1)
    if (band && band.label === year) band.to = index
    else bands.push({ label: year, from: index, to: index })
  })
  const mix = overview.mix
  const mixDescription = mix
    ? mix.types.length === 0
      ? 'No crimes recorded in these months.'
      : `Of ${n(mix.total)} crimes, ` +
        mix.types
          .slice(0, 3)
          .map((t) => `${t.crimeType} ${n(t.crimes)} (${oneDecimal(t.percent)}%)`)
          .join(', ') +
        (mix.types.length > 3 ? `, and ${mix.types.length - 3} other types.` : '.')
    : ''
  return {
    monthly: {
      description: monthlyDescription,
      chart: lineChart({
        id: 'crime-by-month',
        title: `${what} by month`,
        description: monthlyDescription,
        points: overview.months.map((m) => ({ label: m.label, value: m.crimes })),
        width: 640,
        height: 240,
      }),
      rows: overview.months.map((m) => ({
        month: m.month,
        label: m.label,
        crimes: m.crimes === null ? null : n(m.crimes),
      })),
    },
    quarterly: {
      description: quarterDescription,
      chart: lineChart({
        id: 'crime-by-quarter',
        title: `${what} by financial quarter`,
        description: quarterDescription,
        points: quarterPoints,
        bands,
        width: 640,
        height: 240,
      }),
      rows: overview.quarters.map((q) => ({
        label: q.label,
        crimes: q.crimes === null ? null : n(q.crimes),
        missing: q.missingMonths.join(', '),
      })),
    },
    mix: mix
      ? {
          from: mix.fromMonth,
          to: mix.toMonth,
          monthsLoaded: mix.monthsLoaded,
          total: n(mix.total),
          antiSocialBehaviour: n(mix.antiSocialBehaviour),
          description: mixDescription,
          chart: barChart({
            id: 'crime-type-mix',
            title: `Crimes by type in ${partnership.name}, ${mix.fromMonth} to ${mix.toMonth}`,
            description: mixDescription,
            bars: mix.types.map((t) => ({ label: t.crimeType, value: t.crimes })),
            width: 640,
          }),
          rows: mix.types.map((t) => ({ crimeType: t.crimeType, crimes: n(t.crimes), percent: oneDecimal(t.percent) })),
        }
      : null,
  }
}

/** A CSV field, quoted when it must be (RFC 4180), formula-safe. */
function csvField(cell: Cell): string {
  const safe = safeCell(cell)
  if (safe === null) return ''
  const s = String(safe)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The problems of a police.uk import as the page lists them; temporary folder names are never shown. */
function crimeProblems(error: CrimeImportError, folder: string) {
  return error.problems.map((p) => ({
    where: `${p.file.split(`${folder}${path.sep}`).join('')}${p.line === null ? '' : `, line ${p.line}`}`,
    reason: p.reason,
  }))
}

function crimeSummary(summary: ImportSummary) {
  const mapped = summary.rows - summary.rowsWithoutLocation - summary.rowsUnmapped
  const lines = [
    { label: 'Files imported', value: n(summary.files) },
    { label: 'Rows read', value: n(summary.rows) },
    { label: 'Rows mapped to a partnership', value: n(mapped) },
    { label: 'Rows without a location', value: n(summary.rowsWithoutLocation) },
    { label: "Rows in a partnership outside the force's area (counted there)", value: n(summary.rowsOutsideForce) },
    { label: 'Rows whose area could not be placed in one partnership', value: n(summary.rowsUnmapped) },
    {
      label: 'Force-months stored',
      value: summary.forceMonths
        .map((fm) => `${fm.forceName} ${fm.month} (${n(fm.rowsRead)} rows${fm.replaced ? ', replaced' : ''})`)
        .join('; '),
    },
  ]
  if (summary.skipped.length > 0) {
    lines.push({ label: 'Files skipped (not street-level files)', value: String(summary.skipped.length) })
  }
  return lines
}

function referenceOutcome(kind: ImportKind, fileName: string, result: ReferenceImportResult): CrimeImportOutcome {
  if (result.outcome === 'applied') {
    return {
      kind,
      fileName,
      ok: true,
      summary: [
        ...result.summary.map((line) => ({ label: 'Stored', value: line })),
        ...result.notes.map((note) => ({ label: 'Note', value: formatTableProblem(note) })),
      ],
      problems: [],
      problemsLeftOut: 0,
    }
  }
  const problems = [
    ...result.problems.map((p) => ({
      where: formatTableProblem({ ...p, reason: '' }).replace(/: $/, ''),
      reason: p.reason,
    })),
    ...result.unmatched.map((u) => ({
      where: `${fileName}:${u.row}`,
      reason: `"${u.name}" (${u.force}) could not be matched to an ONS partnership`,
    })),
  ]
  return {
    kind,
    fileName,
    ok: false,
    summary: [],
    problems: problems.slice(0, MAX_PROBLEMS_SHOWN),
    problemsLeftOut: Math.max(0, problems.length - MAX_PROBLEMS_SHOWN),
  }
}

/**
 * The crime pages: `/crime` (report:view), the partnership's police recorded crime from data.police.uk by month and
 * quarter, its crime-type mix, headline figures and rankings; `/crime/months.csv` the monthly table; and
 * `/crime/imports` (import:run), uploading street-level files, the ONS tables or population estimates through the
 * same services as the command line. Every page works without JavaScript.
 */
export function crimeWebRoutes(deps: CrimeWebDependencies): express.Router {
  const { services } = deps
  const limit = deps.uploadLimitBytes ?? CRIME_UPLOAD_LIMIT_BYTES
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
        csvHref: `/crime/months.csv?partnership=${encodeURIComponent(partnership.code)}`,
        view: loadedMonths.length > 0 ? overviewView(partnership, overview) : null,
        headlines,
        headlineError,
      })
    } catch (error) {
      next(error)
    }
  })

  router.get('/crime/months.csv', ...deps.viewGuard, async (req, res, next) => {
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

  router.get('/crime/imports', ...deps.importGuard, async (req, res, next) => {
    try {
      const outcome = req.session.crimeImportOutcome
      delete req.session.crimeImportOutcome
      res.render('crime/imports.njk', {
        pageTitle: outcome && !outcome.ok ? 'Error: Import crime data' : 'Import crime data',
        kinds: Object.entries(IMPORT_KINDS).map(([value, label]) => ({ value, text: label })),
        outcome,
        outcomeKind: outcome ? IMPORT_KINDS[outcome.kind] : '',
        limitMb: Math.round(limit / 1024 / 1024),
      })
    } catch (error) {
      next(error)
    }
  })

  router.post('/crime/imports', ...deps.importGuard, async (req, res, next) => {
    const renderForm = (status: number, errors: Record<string, string>) => {
      res.status(status)
      res.render('crime/imports.njk', {
        pageTitle: 'Error: Import crime data',
        kinds: Object.entries(IMPORT_KINDS).map(([value, label]) => ({ value, text: label })),
        errorList: Object.entries(errors).map(([field, message]) => ({ text: message, href: `#${field}` })),
        fieldErrors: Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, { text: message }])),
        limitMb: Math.round(limit / 1024 / 1024),
      })
    }
    try {
      if (!req.is('multipart/form-data')) {
        renderForm(400, { file: 'Choose a file to upload' })
        return
      }
      let body: Buffer
      try {
        body = await readBody(req, limit)
      } catch (error) {
        if (error instanceof UploadTooLarge) {
          res.set('Connection', 'close')
          renderForm(413, { file: `The file must be smaller than ${Math.round(limit / 1024 / 1024)} MB` })
          return
        }
        throw error
      }
      let form
      try {
        form = parseMultipart(body, req.headers['content-type'] ?? '')
      } catch (error) {
        if (error instanceof BadMultipart) {
          renderForm(400, { file: 'The upload could not be read: choose the file again' })
          return
        }
        throw error
      }
      const kind = form.fields.kind
      const files = form.files.filter((f) => f.field === 'file')
      const errors: Record<string, string> = {}
      if (kind === undefined || !Object.hasOwn(IMPORT_KINDS, kind)) errors.kind = 'Select what the file holds'
      if (files.length !== 1) errors.file = files.length === 0 ? 'Choose a file to upload' : 'Choose one file'
      const file = files[0]
      if (Object.keys(errors).length > 0 || !file || kind === undefined) {
        renderForm(400, errors)
        return
      }
      const actor = res.locals.currentUser?.email ?? 'web'
      const importKind = kind as ImportKind
      let outcome: CrimeImportOutcome
      if (importKind === 'police-uk') {
        outcome = await importStreetFile(file.name, file.content)
      } else {
        const content = { name: file.name, content: file.content }
        const result =
          importKind === 'ons-tables'
            ? await services.crimeComparisons.reference.importRecordedCrime(content, actor)
            : await services.crimeComparisons.reference.importPopulation(content, actor)
        outcome = referenceOutcome(importKind, file.name, result)
      }
      req.session.crimeImportOutcome = outcome
      res.redirect(303, '/crime/imports')
    } catch (error) {
      next(error)
    }
  })

  /**
   * A police.uk CSV or zip goes through the CLI's import service, which reads files by path: it is written to a
   * private temporary folder under a name of our making (a CSV keeps its data.police.uk name, which gives its month
   * and force, once checked), and the folder is removed afterwards.
   */
  async function importStreetFile(uploadedName: string, content: Buffer): Promise<CrimeImportOutcome> {
    const fail = (reason: string): CrimeImportOutcome => ({
      kind: 'police-uk',
      fileName: uploadedName,
      ok: false,
      summary: [],
      problems: [{ where: uploadedName, reason }],
      problemsLeftOut: 0,
    })
    const isZip = content.length >= 4 && content.readUInt32LE(0) === 0x04034b50
    let name: string
    if (isZip) name = `${fileSlug(uploadedName.replace(/\.zip$/i, '')) || 'upload'}.zip`
    else if (parseStreetFileName(uploadedName)) name = uploadedName
    else {
      return fail(
        'not a zip archive, and not a data.police.uk street-level file name: the name must look like ' +
          '2020-01-gwent-street.csv (it gives the month and the force)',
      )
    }
    const folder = await mkdtemp(path.join(os.tmpdir(), 'saferhub-crime-upload-'))
    try {
      const filePath = path.join(folder, name)
      await writeFile(filePath, content, { mode: 0o600 })
      const summary = await services.crime.imports.importPaths([filePath])
      return {
        kind: 'police-uk',
        fileName: uploadedName,
        ok: true,
        summary: crimeSummary(summary),
        problems: [],
        problemsLeftOut: 0,
      }
    } catch (error) {
      if (error instanceof CrimeImportError) {
        const problems = crimeProblems(error, folder)
        return {
          kind: 'police-uk',
          fileName: uploadedName,
          ok: false,
          summary: [],
          problems: problems.slice(0, MAX_PROBLEMS_SHOWN),
          problemsLeftOut: Math.max(0, problems.length - MAX_PROBLEMS_SHOWN),
        }
      }
      if (error instanceof StreetFileListingError) {
        return fail(error.message.split(`${folder}${path.sep}`).join(''))
      }
      throw error
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  }

  return router
}
