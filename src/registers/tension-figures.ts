import type { Figure, FigureProvider } from '../annual-report/figures.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import { isSmallCount, type DisclosureRules } from '../domain/disclosure-control.ts'
import { financialYearDates, financialYearWords } from '../domain/period.ts'
import type { ReportingCentreRepository } from './reporting-centre-repository.ts'
import { CATEGORIES, LEVELS, LEVEL_WORDS } from './tension-rules.ts'
import type { TensionRepository } from './tension-repository.ts'

/**
 * The year's figures of the community tension log and the reporting centres, for the annual report
 * (src/annual-report/figures.ts):
 * - `register:reporting-centres-active:FY2017-18`: centres open on the last day of the year;
 * - `register:reporting-centre-wards:FY2017-18`: wards with at least one of them;
 * - `register:third-party-hate-reports:FY2017-18` and `register:third-party-hate-reports-passed:FY2017-18`: reports
 *   the centres took in the year's quarters, and passed to the police with consent;
 * - `register:tension-entries:<category>:FY2017-18` and `register:tension-entries:level-<n>:FY2017-18`: log entries
 *   dated in the year.
 * Counts of reports and of log entries describe incidents, so a small count (under the partnership's disclosure
 * minimum) is marked `suppressed`: shown to the partnership, withheld from the public. Counts of centres and wards
 * are of organisations and places and are not suppressed.
 */
export function tensionFigures(deps: {
  readonly unit: () => UnitOfWork
  readonly tensions: TensionRepository
  readonly centres: ReportingCentreRepository
  readonly rules: DisclosureRules
}): FigureProvider {
  return async (year) => {
    const dates = financialYearDates(year)
    if (!dates) return []
    const { from, to } = dates
    const period = financialYearWords(year)
    const uow = deps.unit()
    const [centres, quarters, entries] = await Promise.all([
      deps.centres.centres(uow),
      deps.centres.quarters(uow, { quarterPrefix: `${year}-` }),
      deps.tensions.entries(uow, { from, to }),
    ])
    // A year with no log entry and no centre's quarterly report is one the registers hold nothing of (the centres'
    // list is today's, with no opening dates, so it says nothing about a year long past).
    if (quarters.length === 0 && entries.length === 0) return []
    const figures: Figure[] = []
    const count = (
      key: string,
      label: string,
      value: number,
      sentence: string,
      subjectWords: string[],
      options: { suppressible: boolean; illustrative: boolean; source: string },
    ) =>
      figures.push({
        key: `register:${key}:${year}`,
        label,
        value,
        unit: 'count',
        decimals: 0,
        period,
        source: options.source,
        sentence,
        subjectWords,
        ...(options.suppressible && isSmallCount(value, deps.rules) ? { suppressed: true } : {}),
        ...(options.illustrative ? { illustrative: true } : {}),
      })

    const open = centres.filter((c) => c.closedOn === null || c.closedOn > to)
    const centreSource = 'Hate-crime third-party reporting centres register'
    const centresIllustrative = open.some((c) => c.illustrative)
    count(
      'reporting-centres-active',
      'Third-party hate-crime reporting centres',
      open.length,
      `There were ${open.length} third-party reporting centres where residents can report a hate crime without going to the police.`,
      // Not "hate" or "crime": those name the hate-crime KPI, which a sentence about offences is about.
      ['reporting', 'centres', 'third-party'],
      { suppressible: false, illustrative: centresIllustrative, source: centreSource },
    )
    const wards = new Set(open.map((c) => c.wardId))
    count(
      'reporting-centre-wards',
      'Wards with a third-party reporting centre',
      wards.size,
      `${wards.size} wards had at least one third-party reporting centre.`,
      ['wards', 'reporting', 'centre'],
      { suppressible: false, illustrative: centresIllustrative, source: centreSource },
    )
    const taken = quarters.reduce((n, q) => n + q.reportsTaken, 0)
    const passed = quarters.reduce((n, q) => n + q.passedToPolice, 0)
    const quartersIllustrative = quarters.some((q) => q.illustrative)
    count(
      'third-party-hate-reports',
      'Hate-crime reports taken by third-party reporting centres',
      taken,
      `Third-party reporting centres took ${taken} hate-crime reports.`,
      ['reports', 'third-party', 'centres'],
      { suppressible: true, illustrative: quartersIllustrative, source: centreSource },
    )
    count(
      'third-party-hate-reports-passed',
      'Third-party hate-crime reports passed to the police with consent',
      passed,
      `${passed} of them were passed to the police with the reporter’s consent.`,
      ['reports', 'passed', 'police', 'consent'],
      { suppressible: true, illustrative: quartersIllustrative, source: centreSource },
    )
    const logSource = 'Community tension log'
    const logIllustrative = entries.some((e) => e.illustrative)
    for (const category of CATEGORIES) {
      const n = entries.filter((e) => e.category === category).length
      count(
        `tension-entries:${category}`,
        `Community tension log entries: ${category}`,
        n,
        `The community tension log recorded ${n} ${category} ${n === 1 ? 'tension' : 'tensions'}.`,
        ['tension', 'tensions', 'community', category],
        { suppressible: true, illustrative: logIllustrative, source: logSource },
      )
    }
    for (const level of LEVELS) {
      const n = entries.filter((e) => e.level === level).length
      count(
        `tension-entries:level-${level}`,
        `Community tension log entries at level ${level} (${LEVEL_WORDS[level]})`,
        n,
        `${n} community tension log ${n === 1 ? 'entry was' : 'entries were'} at level ${level} (${LEVEL_WORDS[level]?.toLowerCase()}).`,
        ['tension', 'tensions', 'community', 'level'],
        { suppressible: true, illustrative: logIllustrative, source: logSource },
      )
    }
    return figures
  }
}
