import { barChart } from '../../charts/bar-chart.ts'
import { lineChart } from '../../charts/line-chart.ts'
import type { HeadlineReport } from '../headlines/headlines-service.ts'
import { ordinal, type Ranking } from '../headlines/ranking.ts'
import type { Partnership } from '../reference/partnerships.ts'
import { n, oneDecimal, signedPercent } from './number-format.ts'
import { describeMonthlyTotals, type CrimeOverview } from './overview.ts'

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
export function headlineView(report: HeadlineReport) {
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
export function overviewView(partnership: Partnership, overview: CrimeOverview) {
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
