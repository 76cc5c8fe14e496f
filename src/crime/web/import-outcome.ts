import path from 'node:path'
import type { CrimeImportError, ImportSummary } from '../ingest/import-service.ts'
import { formatTableProblem } from '../reference/recorded-crime-table.ts'
import type { ReferenceImportResult } from '../reference/reference-service.ts'
import { n } from './number-format.ts'

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

export const IMPORT_KINDS: Record<ImportKind, string> = {
  'police-uk': 'data.police.uk street-level crime (a monthly CSV file, or the zip archive as downloaded)',
  'ons-tables': 'ONS police force area data tables (the workbook, or a CSV extract of table C2)',
  population: 'ONS mid-year population estimates by district (the workbook)',
}

/** At most this many problems are kept for the page (the count of the rest is shown). */
export const MAX_PROBLEMS_SHOWN = 200

/** The problems of a police.uk import as the page lists them; temporary folder names are never shown. */
export function crimeProblems(error: CrimeImportError, folder: string) {
  return error.problems.map((p) => ({
    where: `${p.file.split(`${folder}${path.sep}`).join('')}${p.line === null ? '' : `, line ${p.line}`}`,
    reason: p.reason,
  }))
}

export function crimeSummary(summary: ImportSummary) {
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
  if (summary.lsoaCountsKeptFromEarlier.length > 0) {
    lines.push({
      label: 'Counts by LSOA kept because an earlier import kept them for these months',
      value: summary.lsoaCountsKeptFromEarlier.map((p) => `${p.name} (${p.code})`).join(', '),
    })
  }
  if (summary.lsoaCountsDropped.length > 0) {
    lines.push({
      label: 'Counts by LSOA dropped from the months re-imported',
      value: summary.lsoaCountsDropped
        .map(
          (d) =>
            `${d.partnershipName} (${d.partnershipCode}): ${
              d.reason === 'not-served' ? 'not in SAFERHUB_SERVED_PARTNERSHIPS' : 'no longer in the ONS lookup'
            }`,
        )
        .join('; '),
    })
  }
  return lines
}

export function referenceOutcome(
  kind: ImportKind,
  fileName: string,
  result: ReferenceImportResult,
): CrimeImportOutcome {
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
