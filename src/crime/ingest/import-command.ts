import { parseOptions, type Command, type CommandOutput } from '../../cli/command.ts'
import { StreetFileListingError } from './street-files.ts'
import { CrimeImportError, type ImportProgress, type ImportSummary } from './import-service.ts'
import { createProgressReporter, groupDigits, megabytes } from './progress-bar.ts'
import type { CrimeServices } from '../crime-services.ts'

const LIST_LIMIT = 12

/** "1 row", "2 rows". */
function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${groupDigits(n)} ${n === 1 ? singular : plural}`
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '0%'
}

/** The plain summary printed after every import (stdout), in the words a partnership analyst would use. */
export function formatImportSummary(summary: ImportSummary): string {
  const lines: string[] = []
  const rate = summary.seconds > 0 ? summary.bytes / 1e6 / summary.seconds : 0
  lines.push(
    `Imported ${summary.files} ${summary.files === 1 ? 'file' : 'files'} (${megabytes(summary.bytes)}, ` +
      `${groupDigits(summary.rows)} rows) in ${summary.seconds.toFixed(2)} s ` +
      `(${rate.toFixed(1)} MB/s, ${summary.workers === 0 ? 'one thread' : `${summary.workers} worker threads`}).`,
  )
  const replaced = summary.forceMonths.filter((fm) => fm.replaced).length
  lines.push(
    `Force-months loaded: ${summary.forceMonths.length} ` +
      `(${summary.forceMonths.length - replaced} new, ${replaced} replacing an earlier import).`,
  )
  const byForce = new Map<string, { name: string; months: string[]; rows: number }>()
  for (const fm of summary.forceMonths) {
    const entry = byForce.get(fm.policeForce) ?? { name: fm.forceName, months: [], rows: 0 }
    entry.months.push(fm.month)
    entry.rows += fm.rowsRead
    byForce.set(fm.policeForce, entry)
  }
  const forces = [...byForce.values()]
  for (const force of forces.slice(0, LIST_LIMIT)) {
    const months = force.months.length === 1 ? force.months[0] : `${force.months[0]} to ${force.months.at(-1)}`
    lines.push(`  ${force.name}: ${count(force.months.length, 'month')} (${months}), ${count(force.rows, 'row')}`)
  }
  if (forces.length > LIST_LIMIT) lines.push(`  … and ${forces.length - LIST_LIMIT} more forces`)

  lines.push(
    `Rows without a location: ${groupDigits(summary.rowsWithoutLocation)} ` +
      `(${percent(summary.rowsWithoutLocation, summary.rows)}): counted for their force, in no partnership.`,
  )
  lines.push(
    `Rows outside the force's own partnerships: ${groupDigits(summary.rowsOutsideForce)} ` +
      `(${percent(summary.rowsOutsideForce, summary.rows)}): counted for the partnership where they happened.`,
  )
  const outsideByForce = new Map<string, typeof summary.outside>()
  for (const o of summary.outside) outsideByForce.set(o.policeForce, [...(outsideByForce.get(o.policeForce) ?? []), o])
  for (const [policeForce, list] of [...outsideByForce].slice(0, LIST_LIMIT)) {
    const name = byForce.get(policeForce)?.name ?? policeForce
    const total = list.reduce((sum, o) => sum + o.rows, 0)
    const top = list
      .slice(0, 5)
      .map((o) => `${o.partnershipName} ${groupDigits(o.rows)}`)
      .join(', ')
    lines.push(
      `  ${name}: ${groupDigits(total)} in ${list.length} ${list.length === 1 ? 'partnership' : 'partnerships'} ` +
        `of other forces (${top}${list.length > 5 ? ', …' : ''})`,
    )
  }
  lines.push(
    `Rows whose LSOA the lookups could not place in one partnership: ${groupDigits(summary.rowsUnmapped)}` +
      (summary.rowsUnmapped > 0 ? ' (counted for their force, in no partnership):' : '.'),
  )
  const reasons = {
    'not-in-lookup': 'not in the ONS LSOA lookup (a newer LSOA? run `saferhub crime geography update`)',
    'district-without-partnership': 'its district has no partnership in the ONS lookup, nor a known successor',
    'district-shared': 'its district is shared by several partnerships and no older district says which',
  } as const
  for (const u of summary.unmappedLsoas.slice(0, LIST_LIMIT)) {
    lines.push(`  ${u.lsoaCode}: ${count(u.rows, 'row')}; ${reasons[u.reason]}`)
  }
  if (summary.unmappedLsoas.length > LIST_LIMIT) {
    lines.push(`  … and ${summary.unmappedLsoas.length - LIST_LIMIT} more LSOAs (saferhub stores them all)`)
  }
  if (summary.sharedDistricts.length > 0) {
    lines.push(
      'Districts shared by several partnerships (each LSOA is placed by the district it was in before the merger, ' +
        'reference/ons/district-successors.csv):',
    )
    for (const d of summary.sharedDistricts) {
      lines.push(`  ${d.districtName} (${d.districtCode}): ${d.partnerships.map((p) => p.name).join(', ')}`)
    }
  }
  lines.push(
    summary.servedPartnerships.length === 0
      ? 'Counts by LSOA: none kept (no served partnership; set SAFERHUB_SERVED_PARTNERSHIPS).'
      : `Counts by LSOA kept for ${
          summary.servedPartnerships.length > LIST_LIMIT
            ? `${summary.servedPartnerships.length} partnerships`
            : summary.servedPartnerships.map((p) => `${p.name} (${p.code})`).join(', ')
        }: ${count(summary.lsoaCountsStored, 'row')} stored.`,
  )
  if (summary.lsoaCountsKeptFromEarlier.length > 0) {
    lines.push(
      `  Kept for ${summary.lsoaCountsKeptFromEarlier.map((p) => `${p.name} (${p.code})`).join(', ')} because an ` +
        'earlier import kept them for the months re-imported (SAFERHUB_SERVED_PARTNERSHIPS is not set).',
    )
  }
  for (const d of summary.lsoaCountsDropped) {
    lines.push(
      `Counts by LSOA dropped for ${d.partnershipName === d.partnershipCode ? d.partnershipCode : `${d.partnershipName} (${d.partnershipCode})`} ` +
        `in ${count(d.forceMonths, 're-imported force-month')}: ` +
        (d.reason === 'not-served'
          ? 'SAFERHUB_SERVED_PARTNERSHIPS does not name it (name it there and import again to have them back).'
          : 'the ONS lookup no longer has this partnership.'),
    )
  }
  if (summary.skipped.length > 0) {
    lines.push(
      `Skipped ${summary.skipped.length} ${summary.skipped.length === 1 ? 'file' : 'files'} that ` +
        `${summary.skipped.length === 1 ? 'is' : 'are'} not street-level crime files: ` +
        `${summary.skipped.slice(0, 3).join(', ')}${summary.skipped.length > 3 ? ', …' : ''}`,
    )
  }
  return lines.join('\n')
}

/** `saferhub crime import`: police.uk street-level files into counts by partnership and month. */
export const crimeImportCommand: Command<CrimeServices> = {
  name: 'crime import',
  summary: 'Import data.police.uk street-level crime files (CSV files, folders or the zip archive)',
  usage: [
    'Usage: saferhub crime import <file, folder or zip>... [--progress] [--workers N]',
    '',
    'Reads data.police.uk street-level files (named like 2020-01-gwent-street.csv: the name gives the month),',
    'folders of them, or the zip archive as downloaded, and stores crimes by partnership, month and crime type',
    '(and by LSOA for the partnerships in SAFERHUB_SERVED_PARTNERSHIPS). Each force-month in the files replaces',
    'the same force-month already stored. A problem in any file stops the whole import: nothing is written.',
    '',
    'Options:',
    '  --progress    show a progress bar on standard error even when it is not a terminal',
    '  --workers N   parse with N worker threads (default: none below 256 MB, else 2)',
  ].join('\n'),
  async run(args, services, output: CommandOutput) {
    const { options, positional } = parseOptions(args)
    if (positional.length === 0) {
      output.err('Name at least one file, folder or zip archive to import.\n\n' + this.usage)
      return 2
    }
    const workersOption = options.get('workers')
    let workers: number | undefined
    if (workersOption !== undefined) {
      workers = Number(workersOption)
      if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
        output.err(`--workers must be a whole number from 0 to 64, not "${String(workersOption)}"`)
        return 2
      }
    }
    const showProgress = options.has('progress') || process.stderr.isTTY === true
    const reporter = showProgress ? createProgressReporter(process.stderr) : null
    let latest: ImportProgress | null = null
    try {
      const summary = await services.crime.imports.importPaths(positional, {
        ...(workers === undefined ? {} : { workers }),
        ...(reporter
          ? {
              onProgress: (p: ImportProgress) => {
                latest = p
                reporter.update(p)
              },
            }
          : {}),
        onPhase: (phase) => {
          if (!reporter) return
          if (phase === 'reading') reporter.message('Reading the files…')
          else {
            if (latest) reporter.update(latest, true)
            reporter.message('Writing to the database…')
          }
        },
      })
      output.out(formatImportSummary(summary))
      return 0
    } catch (error) {
      if (error instanceof CrimeImportError || error instanceof StreetFileListingError) {
        reporter?.message('')
        output.err(error.message)
        return 1
      }
      throw error
    }
  },
}
