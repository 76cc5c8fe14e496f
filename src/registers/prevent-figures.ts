import type { Figure, FigureProvider } from '../annual-report/figures.ts'
import { formatPercent, percentOf } from '../domain/rounding.ts'
import { activitiesByType, covenantCounts } from './engagement-overview.ts'
import { SETTING_KIND_PLURAL } from './prevent-record-types.ts'
import { channelTotals, coverage, referralsOfYear, trainingTotals } from './prevent-overview.ts'
import { financialYearOfDate, financialYearWords } from '../domain/period.ts'
import { withheldFromPublic, type FigureRows } from './prevent-service.ts'

const SOURCE_PREVENT = 'Prevent and Channel register'
const SOURCE_ENGAGEMENT = 'Engagement register'

/**
 * The Prevent and engagement registers' figures for a year, for the annual report to bind and its number checker to
 * compare against: Prevent referrals (the register's count, beside the year before), training coverage (percent, with
 * its numerator and denominator as related numbers), sessions and attendees, Channel panel meetings and case counts,
 * engagement activities by type, and covenant sign-ups.
 *
 * Disclosure control: counts of people or cases (referrals, Channel's cases, attendees) from 1 to the publication's
 * threshold minus 1 are marked `suppressed` (src/domain/disclosure-control.ts `isSmallCount`, the public report's own
 * rule): the report shows them to the partnership only. Channel's case counts are always held to that rule, whatever
 * else the report chooses to show. Counts of meetings, sessions and activities are not about people and are not
 * withheld.
 */
export function preventFigureProvider(rows: () => Promise<FigureRows>, minimumCount: number): FigureProvider {
  return async (year) => {
    const data = await rows()
    const words = financialYearWords(year)
    const figures: Figure[] = []
    const peopleCount = (count: number) => withheldFromPublic(count, minimumCount)

    const referrals = referralsOfYear(data.referrals, new Map(), year)
    if (referrals.total !== null) {
      const from = referrals.previousTotal
      const to = referrals.total
      const change = from === null ? null : percentOf(to - from, from)
      const sentence =
        from === null || change === null
          ? `There were ${to} Prevent referrals in ${words}.`
          : to === from
            ? `Prevent referrals stayed at ${to} in ${words}.`
            : `Prevent referrals ${to > from ? 'increased' : 'decreased'} from ${from} to ${to} in ${words}, ${
                to > from ? 'a rise' : 'a fall'
              } of ${formatPercent(Math.abs(change), 0)}.`
      figures.push({
        key: `register:prevent-referrals:${year}`,
        label: 'Prevent referrals received',
        value: to,
        unit: 'count',
        decimals: 0,
        period: words,
        source: `${SOURCE_PREVENT} (${referrals.sources.join(', ') || 'source not recorded'})`,
        sentence,
        subjectWords: ['prevent', 'referrals', 'referral'],
        ...(from === null ? {} : { related: { from, to, difference: to - from } }),
        ...(peopleCount(to) ? { suppressed: true } : {}),
        ...(data.referrals.some((r) => r.illustrative && r.quarter.startsWith(year)) ? { illustrative: true } : {}),
      })
    }

    const settingsIllustrative = data.settings.some((s) => s.illustrative)
    for (const c of coverage(data.settings, data.training, year)) {
      const plural = SETTING_KIND_PLURAL[c.kind] ?? c.kind
      figures.push({
        key: `register:prevent-training-coverage:${slug(c.course)}:${c.kind}:${year}`,
        label: `${plural.charAt(0).toUpperCase()}${plural.slice(1)} that received ${c.course} training`,
        value: c.percent,
        unit: 'percent',
        decimals: Number.isInteger(c.percent) ? 0 : 1,
        period: words,
        source: SOURCE_PREVENT,
        sentence: `${c.sentence}.`,
        subjectWords: [c.course.toLowerCase(), plural, c.kind, 'training'],
        related: { numerator: c.numerator, denominator: c.denominator },
        ...(settingsIllustrative ? { illustrative: true } : {}),
      })
    }

    const training = trainingTotals(data.training, year)
    const trainingIllustrative = data.training.some(
      (t) => t.illustrative && financialYearOfDate(t.deliveredOn) === year,
    )
    const all = training.find((t) => t.course === '')
    if (all) {
      figures.push({
        key: `register:prevent-training-sessions:${year}`,
        label: 'Prevent training sessions delivered',
        value: all.sessions,
        unit: 'count',
        decimals: 0,
        period: words,
        source: SOURCE_PREVENT,
        sentence: `${all.sessions} Prevent training ${all.sessions === 1 ? 'session was' : 'sessions were'} delivered in ${words}.`,
        subjectWords: ['prevent', 'training', 'sessions'],
        ...(trainingIllustrative ? { illustrative: true } : {}),
      })
      figures.push({
        key: `register:prevent-training-attendees:${year}`,
        label: 'Prevent training attendees',
        value: all.attendees,
        unit: 'count',
        decimals: 0,
        period: words,
        source: SOURCE_PREVENT,
        sentence: `${all.attendees} people attended Prevent training in ${words}.`,
        subjectWords: ['prevent', 'training', 'attendees', 'attended'],
        ...(peopleCount(all.attendees) ? { suppressed: true } : {}),
        ...(trainingIllustrative ? { illustrative: true } : {}),
      })
    }

    const channel = channelTotals(data.channel, year)
    const channelIllustrative = data.channel.some((c) => c.illustrative && financialYearOfDate(c.meetingDate) === year)
    if (channel.meetings > 0) {
      figures.push({
        key: `register:channel-panel-meetings:${year}`,
        label: 'Channel panel meetings',
        value: channel.meetings,
        unit: 'count',
        decimals: 0,
        period: words,
        source: SOURCE_PREVENT,
        sentence: `The Channel panel met ${channel.meetings} ${channel.meetings === 1 ? 'time' : 'times'} in ${words}.`,
        subjectWords: ['channel', 'panel', 'meetings'],
        ...(channelIllustrative ? { illustrative: true } : {}),
      })
      for (const [key, label, value] of [
        ['discussed', 'discussed', channel.casesDiscussed],
        ['adopted', 'adopted', channel.casesAdopted],
        ['closed', 'closed', channel.casesClosed],
      ] as const) {
        figures.push({
          key: `register:channel-cases-${key}:${year}`,
          label: `Channel cases ${label}`,
          value,
          unit: 'count',
          decimals: 0,
          period: words,
          source: SOURCE_PREVENT,
          sentence: `The Channel panel ${label} ${value} ${value === 1 ? 'case' : 'cases'} in ${words}.`,
          subjectWords: ['channel', 'cases', label],
          // Always held to the publication's threshold, whatever the report shows elsewhere.
          ...(peopleCount(value) ? { suppressed: true } : {}),
          ...(channelIllustrative ? { illustrative: true } : {}),
        })
      }
    }

    for (const a of activitiesByType(data.activities, year)) {
      if (a.activities === 0) continue
      figures.push({
        key: `register:engagement-activities:${a.type}:${year}`,
        label: `Engagement activities: ${a.label}`,
        value: a.activities,
        unit: 'count',
        decimals: 0,
        period: words,
        source: SOURCE_ENGAGEMENT,
        sentence: `${a.activities} ${a.label.toLowerCase()} ${a.activities === 1 ? 'activity' : 'activities'} in ${words}.`,
        subjectWords: ['engagement', ...a.label.toLowerCase().split(' ')],
        ...(data.activities.some((r) => r.illustrative && r.type === a.type && financialYearOfDate(r.heldOn) === year)
          ? { illustrative: true }
          : {}),
      })
    }

    for (const c of covenantCounts(data.signatories, year, words)) {
      if (c.signedInYear === 0) continue
      figures.push({
        key: `register:covenant-signatories:${slug(c.covenant)}:${year}`,
        label: `Organisations that signed the ${c.covenant}`,
        value: c.signedInYear,
        unit: 'count',
        decimals: 0,
        period: words,
        source: SOURCE_ENGAGEMENT,
        sentence: `${c.sentence}.`,
        subjectWords: ['covenant', 'signed', 'organisations', ...c.covenant.toLowerCase().split(/\s+/)],
        related: { signedByYearEnd: c.signedByYearEnd },
        ...(data.signatories.some(
          (s) => s.illustrative && s.covenant === c.covenant && financialYearOfDate(s.signedOn) === year,
        )
          ? { illustrative: true }
          : {}),
      })
    }
    return figures
  }
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}
