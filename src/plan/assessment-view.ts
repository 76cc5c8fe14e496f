import { period } from '../domain/period.ts'
import type { AssessmentPage } from './assessment-service.ts'
import { CONSULTATION_METHODS, CONSULTEE_KINDS, yearSlug } from './assessment-service.ts'
import {
  asRating,
  BAND_WORDS,
  IMPACT_WORDS,
  LIKELIHOOD_WORDS,
  RATINGS,
  scoreThreat,
  scoringMatrix,
  type Band,
  type Rating,
} from './assessment-scoring.ts'
import type { Assessment } from './assessment-repository.ts'

/** The band's tag colour: the band is always written in words beside it, never shown by colour alone. */
const BAND_TAGS: Readonly<Record<Band, string>> = Object.freeze({
  low: 'govuk-tag--green',
  moderate: 'govuk-tag--yellow',
  high: 'govuk-tag--orange',
  extreme: 'govuk-tag--red',
})

export const ILLUSTRATIVE_NOTE =
  'Illustrative assessment (not Wolverhampton’s): the seed report does not print its strategic assessment, so this ' +
  'narrative, its threats and its consultation are made up for the demonstration. The figures it cites are the demo’s own, read from the data.'

/** One line of the assessments list. */
export function assessmentSummary(a: Assessment) {
  return {
    slug: yearSlug(a.year),
    title: a.title,
    yearLabel: period(a.year).label,
    window: `${period(a.dataFrom).label} to ${period(a.dataTo).label}`,
    status: a.status === 'final' ? 'Final' : 'Draft',
    illustrative: a.illustrative,
  }
}

/** The assessment page's model: every figure already in words. */
export function assessmentView(page: AssessmentPage) {
  const { record, citations, priorities } = page
  const a = record.assessment
  const priorityName = (id: number | null) => (id === null ? null : (priorities.find((p) => p.id === id)?.name ?? null))

  // Findings per theme, in the order the themes first appear.
  const themes: { theme: string; findings: unknown[] }[] = []
  for (const finding of record.findings) {
    let group = themes.find((t) => t.theme === finding.theme)
    if (!group) themes.push((group = { theme: finding.theme, findings: [] }))
    group.findings.push({
      id: finding.id,
      number: record.findings.indexOf(finding) + 1,
      text: finding.text,
      priority: priorityName(finding.strategicPriorityId),
      citations: finding.citations.map((c) => {
        const figure = citations.get(c.id)
        return {
          id: c.id,
          label: figure?.live.label ?? `${c.kind}: ${c.key}`,
          period: period(c.period).label,
          value: figure?.shown.value ?? null,
          hasValue: (figure?.shown.value ?? null) !== null,
          unavailable: figure?.shown.value === null ? (figure.live.unavailable ?? figure.shown.source) : null,
          source: figure?.shown.source ?? '',
          frozenAt: figure?.shown.frozenAt ?? null,
          changedSince: figure?.changedSince ?? null,
          href: figure?.live.href ?? null,
        }
      }),
    })
  }

  const placed = record.threats.flatMap((t, i) => {
    const impact = asRating(t.impact)
    const likelihood = asRating(t.likelihood)
    return impact === null || likelihood === null
      ? []
      : [{ label: `T${i + 1}`, title: t.title, impact, likelihood, threat: t }]
  })
  const matrix = scoringMatrix(placed)
  const threats = placed.map((p) => {
    const score = scoreThreat(p.impact, p.likelihood)
    return {
      id: p.threat.id,
      label: p.label,
      title: p.title,
      description: p.threat.description,
      priority: priorityName(p.threat.strategicPriorityId),
      impact: `${p.impact} ${IMPACT_WORDS[p.impact]}`,
      likelihood: `${p.likelihood} ${LIKELIHOOD_WORDS[p.likelihood]}`,
      score: score.score,
      band: BAND_WORDS[score.band],
      bandTag: BAND_TAGS[score.band],
    }
  })

  return {
    slug: yearSlug(a.year),
    title: a.title,
    summary: a.summary,
    yearLabel: period(a.year).label,
    window: `${period(a.dataFrom).label} to ${period(a.dataTo).label}`,
    final: a.status === 'final',
    finalisedAt: a.finalisedAt,
    finalisedBy: a.finalisedBy,
    illustrative: a.illustrative ? ILLUSTRATIVE_NOTE : null,
    themes,
    findingCount: record.findings.length,
    threats,
    matrix: {
      summary: matrix.summary,
      impactHeadings: RATINGS.map((r) => `${r} ${IMPACT_WORDS[r]}`),
      rows: matrix.rows.map((row) => ({
        heading: `${row.likelihood} ${LIKELIHOOD_WORDS[row.likelihood]}`,
        cells: row.cells.map((cell) => ({
          score: cell.score,
          band: BAND_WORDS[cell.band],
          bandTag: BAND_TAGS[cell.band],
          threats: cell.threats.map((t) => t.label).join(', '),
          titles: cell.threats.map((t) => `${t.label} ${t.title}`).join('; '),
        })),
      })),
    },
    recommendations: record.recommendations.map((r, i) => ({
      id: r.id,
      number: i + 1,
      text: r.text,
      adoptedAs: r.adoptedAs
        ? {
            name: r.adoptedAs.name,
            strategicPriority: r.adoptedAs.strategicPriority,
            yearLabel: period(r.adoptedAs.year).label,
          }
        : null,
      adoptedBy: r.adoptedBy,
      adoptedAt: r.adoptedAt,
    })),
    consultations: record.consultations.map((c) => ({
      id: c.id,
      consultee: c.consultee,
      kind: CONSULTEE_KINDS[c.consulteeKind],
      when: c.heldTo === null || c.heldTo === c.heldFrom ? c.heldFrom : `${c.heldFrom} to ${c.heldTo}`,
      method: CONSULTATION_METHODS[c.method],
      whatWasSaid: c.whatWasSaid,
      response: c.response,
      recordedBy: c.updatedBy,
      recordedAt: c.updatedAt,
    })),
  }
}

/** Radio items for an impact or likelihood rating, 1–5 with its words. */
export function ratingItems(words: Readonly<Record<Rating, string>>, chosen: string) {
  return RATINGS.map((r) => ({ value: String(r), text: `${r} ${words[r]}`, checked: chosen === String(r) }))
}
