import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import { parsePeriod, period, quarterPeriod, type PeriodId } from '../domain/period.ts'
import {
  CRIME_RANKS,
  CRIME_TOTAL,
  crimeMeasureNames,
  isCitationKind,
  resolveCitations,
  type CitedFigure,
  type FigureSources,
} from './assessment-citations.ts'
import type {
  Assessment,
  AssessmentRecord,
  AssessmentRepository,
  Citation,
  PriorityChoice,
} from './assessment-repository.ts'
import { asRating } from './assessment-scoring.ts'
import type { ConsultationMethod, ConsulteeKind } from './assessment-tables.ts'

/**
 * The annual strategic assessment: creating one, its findings and their citations of saferhub's figures, threats,
 * recommendations (adopted as the next year's delivery priorities), consultation, and making it final. Every write is
 * one unit of work with its audit events; a final assessment is fixed (refused, saying so). Reads come with each
 * citation's figure: live while a draft, the frozen one (and the live one beside it) once final.
 */

export interface FieldProblem {
  readonly field: string
  readonly message: string
}

export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: FieldProblem[] }

/** No assessment for that year, or no such item in it: the pages answer 404. */
export class AssessmentNotFound extends Error {
  constructor(what: string) {
    super(`No ${what}`)
    this.name = 'AssessmentNotFound'
  }
}

export const CONSULTEE_KINDS: Readonly<Record<ConsulteeKind, string>> = Object.freeze({
  group: 'A group (for example a residents’ or faith group)',
  organisation: 'An organisation or agency',
  public: 'The public',
})

export const CONSULTATION_METHODS: Readonly<Record<ConsultationMethod, string>> = Object.freeze({
  survey: 'Survey',
  meeting: 'Meeting',
  online: 'Online (consultation page, social media)',
  event: 'Event',
  'focus-group': 'Focus group',
  written: 'Written response',
  other: 'Other',
})

/** A citation with its figure: `shown` is what the assessment says; `now` the live figure when it differs. */
export interface CitationWithFigure {
  readonly citation: Citation
  readonly live: CitedFigure
  /** The figure the assessment shows: live while a draft, frozen when final. */
  readonly shown: { readonly value: string | null; readonly source: string; readonly frozenAt: string | null }
  /** Final only: the live figure when it is no longer the frozen one. */
  readonly changedSince: string | null
}

export interface AssessmentPage {
  readonly record: AssessmentRecord
  readonly citations: ReadonlyMap<number, CitationWithFigure>
  readonly priorities: readonly PriorityChoice[]
}

export interface AssessmentServiceDependencies {
  readonly database: Database
  readonly repository: AssessmentRepository
  readonly audit: AuditRepository
  readonly figures: FigureSources
  readonly now?: () => Date
}

const text = (value: string | undefined) => (value ?? '').trim()
const optional = (value: string | undefined) => text(value) || null
const DATE = /^\d{4}-\d{2}-\d{2}$/
const validDate = (value: string) =>
  DATE.test(value) &&
  !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
  new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)

/** `2018-19`, `2018/19` or `FY2018-19` → `FY2018-19`; null otherwise. */
export function assessmentYear(value: string): PeriodId | null {
  const trimmed = value.trim()
  const match = /^(\d{4})[-/](\d{2})$/.exec(trimmed)
  const p = parsePeriod(match ? `FY${match[1]}-${match[2]}` : trimmed)
  return p && p.kind === 'year' ? p.id : null
}

/** `FY2018-19` → `2018-19`, the form in the pages' addresses. */
export const yearSlug = (year: PeriodId) => year.replace(/^FY/, '')

export function createAssessmentService(deps: AssessmentServiceDependencies) {
  const { database, repository, audit, figures } = deps
  const now = deps.now ?? (() => new Date())

  /** Runs `work` on the draft assessment of `year`, in one unit of work; refuses a final one. */
  async function onDraft<T>(
    year: string,
    work: (uow: UnitOfWork, record: AssessmentRecord, stamp: { at: string; by: string }) => Promise<Outcome<T>>,
    actor: string,
  ): Promise<Outcome<T>> {
    const id = assessmentYear(year)
    if (id === null) throw new AssessmentNotFound(`assessment for ${year}`)
    return inUnitOfWork(database, async (uow) => {
      const record = await repository.findByYear(id, uow)
      if (!record) throw new AssessmentNotFound(`assessment for ${year}`)
      if (record.assessment.status === 'final') {
        return {
          ok: false,
          problems: [
            {
              field: 'assessment',
              message: `The ${period(id).label} assessment is final: it cannot be changed`,
            },
          ],
        }
      }
      return work(uow, record, { at: now().toISOString(), by: actor })
    })
  }

  async function priorityOf(
    uow: UnitOfWork,
    year: string,
    value: string | undefined,
    field: string,
    problems: FieldProblem[],
    required: boolean,
  ): Promise<PriorityChoice | null> {
    const chosen = text(value)
    if (chosen === '') {
      if (required) problems.push({ field, message: 'Choose the strategic priority' })
      return null
    }
    const found = (await repository.prioritiesFor(year, uow)).find((p) => String(p.id) === chosen)
    if (!found) problems.push({ field, message: 'Choose one of the strategy’s strategic priorities' })
    return found ?? null
  }

  async function event(
    uow: UnitOfWork,
    stamp: { by: string },
    action: string,
    entityType: string,
    entityKey: string,
    before: unknown,
    after: unknown,
  ) {
    await audit.append(uow.trx, { actor: stamp.by, action, entityType, entityKey, before, after })
  }

  async function figuresOf(record: AssessmentRecord): Promise<Map<number, CitationWithFigure>> {
    const citations = record.findings.flatMap((f) => f.citations)
    const live = await resolveCitations(citations, figures)
    const out = new Map<number, CitationWithFigure>()
    citations.forEach((citation, i) => {
      const figure = live[i] as CitedFigure
      const frozen = citation.frozenAt !== null
      out.set(citation.id, {
        citation,
        live: figure,
        shown: frozen
          ? { value: citation.frozenValue, source: citation.frozenSource ?? '', frozenAt: citation.frozenAt }
          : { value: figure.value, source: figure.source, frozenAt: null },
        changedSince: frozen && figure.value !== citation.frozenValue ? (figure.value ?? 'no figure') : null,
      })
    })
    return out
  }

  return {
    list: () => repository.listAssessments(),

    /** The assessment of a year with every citation's figure and the strategy's priorities; null when none. */
    async page(year: string): Promise<AssessmentPage | null> {
      const id = assessmentYear(year)
      if (id === null) return null
      const record = await repository.findByYear(id)
      if (!record) return null
      const [citations, priorities] = await Promise.all([figuresOf(record), repository.prioritiesFor(id)])
      return { record, citations, priorities }
    },

    /** A year's delivery priorities (the demo adopts its recommendations as those of the same name). */
    deliveryPrioritiesOf: (year: PeriodId) => repository.deliveryPrioritiesOf(year),

    /** The strategic priorities of the strategy covering a year (for the forms' choices). */
    prioritiesFor: (year: string) => repository.prioritiesFor(assessmentYear(year) ?? year),

    /** The KPIs of the report for a year and the crime types, for the citation form. */
    async citable(dataYear: PeriodId) {
      const report = await figures.report(dataYear)
      return {
        kpis: report
          ? report.themes.flatMap((t) => t.rows.map((r) => ({ id: r.indicator.id, name: r.indicator.name })))
          : [],
        crimeMeasures: [CRIME_TOTAL, ...crimeMeasureNames()],
        crimeRanks: Object.keys(CRIME_RANKS),
      }
    },

    async create(
      actor: string,
      input: { year?: string; dataFrom?: string; dataTo?: string; title?: string; summary?: string },
      options: { readonly illustrative?: boolean } = {},
    ): Promise<Outcome<Assessment>> {
      const problems: FieldProblem[] = []
      const year = assessmentYear(text(input.year))
      if (year === null)
        problems.push({ field: 'year', message: 'Enter the financial year the assessment informs, like 2018-19' })
      // The data window defaults to the four quarters of the year before the one it informs.
      const before = year === null ? null : period(year).financialYear - 1
      const quarter = (value: string, fallback: number, field: string, what: string) => {
        if (text(value) === '') return before === null ? null : quarterPeriod(before, fallback).id
        const p = parsePeriod(text(value))
        if (!p || p.kind !== 'quarter') {
          problems.push({ field, message: `Enter the ${what} quarter of the data as FY2017-18-Q1` })
          return null
        }
        return p.id
      }
      const dataFrom = quarter(input.dataFrom ?? '', 1, 'dataFrom', 'first')
      const dataTo = quarter(input.dataTo ?? '', 4, 'dataTo', 'last')
      if (dataFrom !== null && dataTo !== null && dataFrom > dataTo) {
        problems.push({ field: 'dataTo', message: 'The last quarter of the data must not be before the first' })
      }
      if (year !== null && dataTo !== null && period(dataTo).financialYear >= period(year).financialYear + 1) {
        problems.push({ field: 'dataTo', message: 'The data must come before the end of the year it informs' })
      }
      const title = text(input.title) || (year === null ? '' : `Strategic assessment ${period(year).label}`)
      if (problems.length > 0 || year === null || dataFrom === null || dataTo === null) return { ok: false, problems }
      return inUnitOfWork(database, async (uow) => {
        if (await repository.findByYear(year, uow)) {
          return {
            ok: false,
            problems: [{ field: 'year', message: `There is already an assessment for ${period(year).label}` }],
          } as const
        }
        const stamp = { at: now().toISOString(), by: actor }
        const created = await repository.insertAssessment(
          uow,
          {
            year,
            data_from: dataFrom,
            data_to: dataTo,
            title,
            summary: optional(input.summary),
            illustrative: options.illustrative ? 1 : 0,
          },
          stamp,
        )
        await event(uow, stamp, 'create', 'strategic-assessment', year, null, created)
        return { ok: true, value: created } as const
      })
    },

    addFinding(actor: string, year: string, input: { theme?: string; priority?: string; text?: string }) {
      return onDraft(
        year,
        async (uow, record, stamp) => {
          const problems: FieldProblem[] = []
          const priority = await priorityOf(uow, record.assessment.year, input.priority, 'priority', problems, false)
          const theme = priority?.name ?? text(input.theme)
          if (theme === '')
            problems.push({ field: 'theme', message: 'Enter the theme, or choose a strategic priority' })
          const body = text(input.text)
          if (body === '') problems.push({ field: 'text', message: 'Enter the finding' })
          if (problems.length > 0) return { ok: false, problems }
          const finding = await repository.insertFinding(
            uow,
            record.assessment.id,
            { theme, strategic_priority_id: priority?.id ?? null, text: body },
            stamp,
          )
          await event(
            uow,
            stamp,
            'create',
            'assessment-finding',
            `${record.assessment.year}/finding/${finding.id}`,
            null,
            finding,
          )
          return { ok: true, value: finding }
        },
        actor,
      )
    },

    addCitation(
      actor: string,
      year: string,
      findingId: number,
      input: { kind?: string; kpi?: string; crime?: string; rank?: string; period?: string },
    ) {
      return onDraft(
        year,
        async (uow, record, stamp) => {
          const finding = record.findings.find((f) => f.id === findingId)
          if (!finding) throw new AssessmentNotFound(`finding ${findingId}`)
          const problems: FieldProblem[] = []
          const kind = text(input.kind)
          let key = ''
          if (!isCitationKind(kind)) problems.push({ field: 'kind', message: 'Choose what kind of figure to cite' })
          else if (kind.startsWith('kpi-')) {
            key = text(input.kpi)
            const exists = key !== '' && (await repository.indicatorExists(uow, key))
            if (!exists) problems.push({ field: 'kpi', message: 'Choose the KPI whose figure to cite' })
          } else if (kind === 'crime-headline') {
            key = text(input.crime)
            if (key !== CRIME_TOTAL && !crimeMeasureNames().includes(key)) {
              problems.push({ field: 'crime', message: 'Choose total recorded crime or a crime type' })
            }
          } else {
            key = text(input.rank)
            if (!Object.hasOwn(CRIME_RANKS, key)) problems.push({ field: 'rank', message: 'Choose which rank to cite' })
          }
          // The period defaults to the financial year of the data window's last quarter.
          const periodText = text(input.period) || `FY${record.assessment.dataTo.slice(2, 9)}`
          const periodId = assessmentYear(periodText)
          if (periodId === null)
            problems.push({ field: 'period', message: 'Enter the financial year of the figure, like 2017-18' })
          if (problems.length > 0 || periodId === null) return { ok: false, problems }
          const citation = await repository.insertCitation(uow, finding.id, { kind, key, period: periodId }, stamp)
          await event(
            uow,
            stamp,
            'create',
            'assessment-citation',
            `${record.assessment.year}/citation/${citation.id}`,
            null,
            citation,
          )
          return { ok: true, value: citation }
        },
        actor,
      )
    },

    addThreat(
      actor: string,
      year: string,
      input: { title?: string; description?: string; priority?: string; impact?: string; likelihood?: string },
    ) {
      return onDraft(
        year,
        async (uow, record, stamp) => {
          const problems: FieldProblem[] = []
          const title = text(input.title)
          if (title === '') problems.push({ field: 'title', message: 'Enter the threat or risk' })
          const impact = asRating(input.impact)
          if (impact === null)
            problems.push({ field: 'impact', message: 'Choose the impact, a whole number from 1 to 5' })
          const likelihood = asRating(input.likelihood)
          if (likelihood === null) {
            problems.push({ field: 'likelihood', message: 'Choose the likelihood, a whole number from 1 to 5' })
          }
          const priority = await priorityOf(uow, record.assessment.year, input.priority, 'priority', problems, false)
          if (problems.length > 0 || impact === null || likelihood === null) return { ok: false, problems }
          const threat = await repository.insertThreat(
            uow,
            record.assessment.id,
            {
              title,
              description: optional(input.description),
              strategic_priority_id: priority?.id ?? null,
              impact,
              likelihood,
            },
            stamp,
          )
          await event(
            uow,
            stamp,
            'create',
            'assessment-threat',
            `${record.assessment.year}/threat/${threat.id}`,
            null,
            threat,
          )
          return { ok: true, value: threat }
        },
        actor,
      )
    },

    addRecommendation(actor: string, year: string, input: { text?: string }) {
      return onDraft(
        year,
        async (uow, record, stamp) => {
          const body = text(input.text)
          if (body === '') return { ok: false, problems: [{ field: 'text', message: 'Enter the recommendation' }] }
          const added = await repository.insertRecommendation(uow, record.assessment.id, body, stamp)
          await event(
            uow,
            stamp,
            'create',
            'assessment-recommendation',
            `${record.assessment.year}/recommendation/${added.id}`,
            null,
            added,
          )
          return { ok: true, value: added }
        },
        actor,
      )
    },

    /**
     * Adopts a recommendation as a delivery priority of the year the assessment informs, under a strategic
     * priority: the delivery priority is written (or, when that priority already has one of the same name that
     * year, linked) in the same unit of work, and the recommendation keeps the link. Allowed on a final assessment
     * too: adopting is the partnership acting on it, not a change to what it says.
     */
    async adopt(
      actor: string,
      year: string,
      recommendationId: number,
      input: { priority?: string; name?: string; description?: string },
    ): Promise<Outcome<{ deliveryPriorityId: number; created: boolean }>> {
      const id = assessmentYear(year)
      if (id === null) throw new AssessmentNotFound(`assessment for ${year}`)
      return inUnitOfWork(database, async (uow) => {
        const record = await repository.findByYear(id, uow)
        if (!record) throw new AssessmentNotFound(`assessment for ${year}`)
        const recommendation = record.recommendations.find((r) => r.id === recommendationId)
        if (!recommendation) throw new AssessmentNotFound(`recommendation ${recommendationId}`)
        const problems: FieldProblem[] = []
        if (recommendation.adoptedAs !== null) {
          problems.push({
            field: 'priority',
            message: `This recommendation is already the delivery priority "${recommendation.adoptedAs.name}"`,
          })
          return { ok: false, problems }
        }
        const priority = await priorityOf(uow, id, input.priority, 'priority', problems, true)
        const name = text(input.name) || recommendation.text
        if (problems.length > 0 || priority === null) return { ok: false, problems }
        const stamp = { at: now().toISOString(), by: actor }
        let deliveryPriority = await repository.findDeliveryPriority(uow, priority.id, id, name)
        const created = deliveryPriority === null
        if (deliveryPriority === null) {
          deliveryPriority = await repository.insertDeliveryPriority(
            uow,
            { strategicPriorityId: priority.id, year: id, name, description: optional(input.description) },
            stamp,
          )
          await event(uow, stamp, 'create', 'delivery-priority', String(deliveryPriority.id), null, deliveryPriority)
        }
        await repository.markAdopted(uow, recommendation.id, deliveryPriority.id, stamp)
        await event(
          uow,
          stamp,
          'adopt',
          'assessment-recommendation',
          `${id}/recommendation/${recommendation.id}`,
          { deliveryPriorityId: null },
          {
            deliveryPriorityId: deliveryPriority.id,
            deliveryPriority: name,
            strategicPriority: priority.name,
            year: id,
          },
        )
        return { ok: true, value: { deliveryPriorityId: deliveryPriority.id, created } }
      })
    },

    addConsultation(
      actor: string,
      year: string,
      input: {
        consultee?: string
        consulteeKind?: string
        heldFrom?: string
        heldTo?: string
        method?: string
        whatWasSaid?: string
        response?: string
      },
    ) {
      return onDraft(
        year,
        async (uow, record, stamp) => {
          const problems: FieldProblem[] = []
          const consultee = text(input.consultee)
          if (consultee === '') problems.push({ field: 'consultee', message: 'Enter who was consulted' })
          const kind = text(input.consulteeKind)
          if (!Object.hasOwn(CONSULTEE_KINDS, kind)) {
            problems.push({ field: 'consulteeKind', message: 'Choose a group, an organisation or the public' })
          }
          const heldFrom = text(input.heldFrom)
          if (!validDate(heldFrom))
            problems.push({ field: 'heldFrom', message: 'Enter the date as YYYY-MM-DD, like 2018-01-15' })
          const heldTo = optional(input.heldTo)
          if (heldTo !== null && !validDate(heldTo)) {
            problems.push({ field: 'heldTo', message: 'Enter the last date as YYYY-MM-DD, or leave it empty' })
          } else if (heldTo !== null && validDate(heldFrom) && heldTo < heldFrom) {
            problems.push({ field: 'heldTo', message: 'The last date must not be before the first' })
          }
          const method = text(input.method)
          if (!Object.hasOwn(CONSULTATION_METHODS, method))
            problems.push({ field: 'method', message: 'Choose how they were consulted' })
          const said = text(input.whatWasSaid)
          if (said === '') problems.push({ field: 'whatWasSaid', message: 'Enter what was said' })
          if (problems.length > 0) return { ok: false, problems }
          const added = await repository.insertConsultation(
            uow,
            record.assessment.id,
            {
              consultee,
              consultee_kind: kind as ConsulteeKind,
              held_from: heldFrom,
              held_to: heldTo,
              method: method as ConsultationMethod,
              what_was_said: said,
              response: optional(input.response),
            },
            stamp,
          )
          await event(
            uow,
            stamp,
            'create',
            'assessment-consultation',
            `${record.assessment.year}/consultation/${added.id}`,
            null,
            added,
          )
          return { ok: true, value: added }
        },
        actor,
      )
    },

    /**
     * Removes one item of a draft (`finding:12`, `citation:3`, `threat:4`, `recommendation:5`, `consultation:6`),
     * with an audit event that keeps it. A finding goes with its citations; an adopted recommendation stays (a
     * delivery priority came from it).
     */
    remove(actor: string, year: string, input: { item?: string }) {
      return onDraft(
        year,
        async (uow, record, stamp) => {
          const match = /^(finding|citation|threat|recommendation|consultation):([1-9]\d{0,8})$/.exec(text(input.item))
          const refused = { ok: false as const, problems: [{ field: 'item', message: 'Choose what to remove' }] }
          if (!match) return refused
          const kind = match[1] as 'finding' | 'citation' | 'threat' | 'recommendation' | 'consultation'
          const id = Number(match[2])
          const found: unknown =
            kind === 'finding'
              ? record.findings.find((f) => f.id === id)
              : kind === 'citation'
                ? record.findings.flatMap((f) => f.citations).find((c) => c.id === id)
                : kind === 'threat'
                  ? record.threats.find((t) => t.id === id)
                  : kind === 'recommendation'
                    ? record.recommendations.find((r) => r.id === id)
                    : record.consultations.find((c) => c.id === id)
          if (found === undefined) return refused
          if (kind === 'recommendation' && (found as { adoptedAs: unknown }).adoptedAs !== null) {
            return {
              ok: false,
              problems: [
                { field: 'item', message: 'An adopted recommendation stays: a delivery priority came from it' },
              ],
            }
          }
          await repository.deleteItem(uow, kind, id)
          await event(
            uow,
            stamp,
            'delete',
            `assessment-${kind}`,
            `${record.assessment.year}/${kind}/${id}`,
            found,
            null,
          )
          return { ok: true, value: kind }
        },
        actor,
      )
    },

    /**
     * Makes the assessment final: every citation's figure as it is now is written beside it (value and source, or
     * why there was none), in the same unit of work as the status, so the final assessment keeps what it said.
     */
    async makeFinal(actor: string, year: string, input: { confirm?: string }): Promise<Outcome<Assessment>> {
      // The figures are read before the unit of work opens: the report and the crime headlines read through the
      // database's own handle, which on SQLite would wait for ever for the transaction's connection.
      const id = assessmentYear(year)
      const before = id === null ? null : await repository.findByYear(id)
      if (before === null) throw new AssessmentNotFound(`assessment for ${year}`)
      const read = before.findings.flatMap((f) => f.citations)
      const live = await resolveCitations(read, figures)
      const figureOf = new Map(read.map((c, i) => [c.id, live[i] as CitedFigure]))
      return onDraft(
        year,
        async (uow, record, stamp) => {
          if (text(input.confirm) !== 'yes') {
            return { ok: false, problems: [{ field: 'confirm', message: 'Confirm that the assessment is final' }] }
          }
          const citations = record.findings.flatMap((f) => f.citations)
          if (citations.length !== read.length || citations.some((c) => !figureOf.has(c.id))) {
            return {
              ok: false,
              problems: [{ field: 'confirm', message: 'A figure was cited while this was being done: try again' }],
            }
          }
          const frozen = []
          for (const citation of citations) {
            const figure = figureOf.get(citation.id) as CitedFigure
            const source =
              figure.value === null ? `No figure when made final: ${figure.unavailable ?? ''}` : figure.source
            await repository.freezeCitation(uow, citation.id, figure.value, source, stamp)
            frozen.push({ citation: citation.id, value: figure.value, source })
          }
          const final = await repository.markFinal(uow, record.assessment.id, stamp)
          await event(uow, stamp, 'finalise', 'strategic-assessment', record.assessment.year, record.assessment, {
            ...final,
            frozen,
          })
          return { ok: true, value: final }
        },
        actor,
      )
    },
  }
}

export type AssessmentService = ReturnType<typeof createAssessmentService>
