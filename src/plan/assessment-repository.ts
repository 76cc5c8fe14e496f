import type { Selectable } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type {
  AssessmentCitationsTable,
  AssessmentConsultationsTable,
  AssessmentFindingsTable,
  AssessmentStatus,
  AssessmentThreatsTable,
  ConsultationMethod,
  ConsulteeKind,
  StrategicAssessmentsTable,
} from './assessment-tables.ts'

/**
 * The strategic assessment's rows: the only place that writes SQL for them. Reads go through the partnership's
 * handle; writes take the service's unit of work and never open a transaction of their own.
 */

export interface Assessment {
  readonly id: number
  readonly year: string
  readonly dataFrom: string
  readonly dataTo: string
  readonly title: string
  readonly summary: string | null
  readonly status: AssessmentStatus
  readonly finalisedAt: string | null
  readonly finalisedBy: string | null
  readonly illustrative: boolean
  readonly updatedAt: string
  readonly updatedBy: string
}

export interface Citation {
  readonly id: number
  readonly findingId: number
  readonly position: number
  readonly kind: string
  readonly key: string
  readonly period: string
  readonly frozenValue: string | null
  readonly frozenSource: string | null
  readonly frozenAt: string | null
}

export interface Finding {
  readonly id: number
  readonly position: number
  readonly theme: string
  readonly strategicPriorityId: number | null
  readonly text: string
  readonly citations: readonly Citation[]
}

export interface Threat {
  readonly id: number
  readonly position: number
  readonly title: string
  readonly description: string | null
  readonly strategicPriorityId: number | null
  readonly impact: number
  readonly likelihood: number
}

export interface Recommendation {
  readonly id: number
  readonly position: number
  readonly text: string
  readonly adoptedAt: string | null
  readonly adoptedBy: string | null
  /** The delivery priority it was adopted as, with the strategic priority it sits under. */
  readonly adoptedAs: {
    readonly id: number
    readonly name: string
    readonly year: string
    readonly strategicPriority: string
  } | null
}

export interface Consultation {
  readonly id: number
  readonly consultee: string
  readonly consulteeKind: ConsulteeKind
  readonly heldFrom: string
  readonly heldTo: string | null
  readonly method: ConsultationMethod
  readonly whatWasSaid: string
  readonly response: string | null
  readonly updatedAt: string
  readonly updatedBy: string
}

export interface AssessmentRecord {
  readonly assessment: Assessment
  readonly findings: readonly Finding[]
  readonly threats: readonly Threat[]
  readonly recommendations: readonly Recommendation[]
  readonly consultations: readonly Consultation[]
}

/** A strategic priority a finding, threat or adopted recommendation may sit under, with its strategy. */
export interface PriorityChoice {
  readonly id: number
  readonly name: string
  readonly strategy: string
}

const assessmentOf = (r: Selectable<StrategicAssessmentsTable>): Assessment => ({
  id: r.id,
  year: r.year,
  dataFrom: r.data_from,
  dataTo: r.data_to,
  title: r.title,
  summary: r.summary,
  status: r.status,
  finalisedAt: r.finalised_at,
  finalisedBy: r.finalised_by,
  illustrative: Number(r.illustrative) === 1,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
})

const citationOf = (r: Selectable<AssessmentCitationsTable>): Citation => ({
  id: r.id,
  findingId: r.finding_id,
  position: r.position,
  kind: r.kind,
  key: r.key,
  period: r.period,
  frozenValue: r.frozen_value,
  frozenSource: r.frozen_source,
  frozenAt: r.frozen_at,
})

const threatOf = (r: Selectable<AssessmentThreatsTable>): Threat => ({
  id: r.id,
  position: r.position,
  title: r.title,
  description: r.description,
  strategicPriorityId: r.strategic_priority_id,
  impact: r.impact,
  likelihood: r.likelihood,
})

const consultationOf = (r: Selectable<AssessmentConsultationsTable>): Consultation => ({
  id: r.id,
  consultee: r.consultee,
  consulteeKind: r.consultee_kind,
  heldFrom: r.held_from,
  heldTo: r.held_to,
  method: r.method,
  whatWasSaid: r.what_was_said,
  response: r.response,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
})

type Stamp = { readonly at: string; readonly by: string }
const stamped = (stamp: Stamp) => ({ updated_at: stamp.at, updated_by: stamp.by })

export type NewAssessment = Pick<
  StrategicAssessmentsTable,
  'year' | 'data_from' | 'data_to' | 'title' | 'summary' | 'illustrative'
>
export type NewFinding = Pick<AssessmentFindingsTable, 'theme' | 'strategic_priority_id' | 'text'>
export type NewCitation = Pick<AssessmentCitationsTable, 'kind' | 'key' | 'period'>
export type NewThreat = Pick<
  AssessmentThreatsTable,
  'title' | 'description' | 'strategic_priority_id' | 'impact' | 'likelihood'
>
export type NewConsultation = Omit<
  Selectable<AssessmentConsultationsTable>,
  'id' | 'partnership_id' | 'assessment_id' | 'updated_at' | 'updated_by'
>

export function createAssessmentRepository(database: Database) {
  const db = database.db

  async function record(assessment: Assessment, on = db): Promise<AssessmentRecord> {
    const [findings, citations, threats, recommendations, consultations] = await Promise.all([
      on
        .selectFrom('assessment_findings')
        .selectAll()
        .where('assessment_id', '=', assessment.id)
        .orderBy('position')
        .orderBy('id')
        .execute(),
      on
        .selectFrom('assessment_citations as c')
        .innerJoin('assessment_findings as f', 'f.id', 'c.finding_id')
        .selectAll('c')
        .where('f.assessment_id', '=', assessment.id)
        .orderBy('c.position')
        .orderBy('c.id')
        .execute(),
      on
        .selectFrom('assessment_threats')
        .selectAll()
        .where('assessment_id', '=', assessment.id)
        .orderBy('position')
        .orderBy('id')
        .execute(),
      on
        .selectFrom('assessment_recommendations as r')
        .leftJoin('delivery_priorities as d', 'd.id', 'r.delivery_priority_id')
        .leftJoin('strategic_priorities as s', 's.id', 'd.strategic_priority_id')
        .select([
          'r.id',
          'r.position',
          'r.text',
          'r.adopted_at',
          'r.adopted_by',
          'r.delivery_priority_id',
          'd.name as delivery_name',
          'd.year as delivery_year',
          's.name as strategic_name',
        ])
        .where('r.assessment_id', '=', assessment.id)
        .orderBy('r.position')
        .orderBy('r.id')
        .execute(),
      on
        .selectFrom('assessment_consultations')
        .selectAll()
        .where('assessment_id', '=', assessment.id)
        .orderBy('held_from')
        .orderBy('id')
        .execute(),
    ])
    return {
      assessment,
      findings: findings.map((f) => ({
        id: f.id,
        position: f.position,
        theme: f.theme,
        strategicPriorityId: f.strategic_priority_id,
        text: f.text,
        citations: citations.filter((c) => c.finding_id === f.id).map(citationOf),
      })),
      threats: threats.map(threatOf),
      recommendations: recommendations.map((r) => ({
        id: r.id,
        position: r.position,
        text: r.text,
        adoptedAt: r.adopted_at,
        adoptedBy: r.adopted_by,
        adoptedAs:
          r.delivery_priority_id === null
            ? null
            : {
                id: r.delivery_priority_id,
                name: r.delivery_name ?? '',
                year: r.delivery_year ?? '',
                strategicPriority: r.strategic_name ?? '',
              },
      })),
      consultations: consultations.map(consultationOf),
    }
  }

  async function nextPosition(
    uow: UnitOfWork,
    table: 'assessment_findings' | 'assessment_threats' | 'assessment_recommendations',
    assessmentId: number,
  ): Promise<number> {
    const row = await uow.trx
      .selectFrom(table)
      .select((eb) => eb.fn.max('position').as('last'))
      .where('assessment_id', '=', assessmentId)
      .executeTakeFirst()
    return Number(row?.last ?? 0) + 1
  }

  return {
    async listAssessments(): Promise<Assessment[]> {
      const rows = await db.selectFrom('strategic_assessments').selectAll().orderBy('year', 'desc').execute()
      return rows.map(assessmentOf)
    },

    /** The assessment for a year with everything it holds; inside a unit of work when given one. */
    async findByYear(year: string, uow?: UnitOfWork): Promise<AssessmentRecord | null> {
      const on = uow?.trx ?? db
      const row = await on.selectFrom('strategic_assessments').selectAll().where('year', '=', year).executeTakeFirst()
      return row ? record(assessmentOf(row), on) : null
    },

    async insertAssessment(uow: UnitOfWork, values: NewAssessment, stamp: Stamp): Promise<Assessment> {
      const row = await uow.trx
        .insertInto('strategic_assessments')
        .values({ ...values, status: 'draft', finalised_at: null, finalised_by: null, ...stamped(stamp) })
        .returningAll()
        .executeTakeFirstOrThrow()
      return assessmentOf(row)
    },

    async insertFinding(uow: UnitOfWork, assessmentId: number, values: NewFinding, stamp: Stamp) {
      const position = await nextPosition(uow, 'assessment_findings', assessmentId)
      return uow.trx
        .insertInto('assessment_findings')
        .values({ ...values, assessment_id: assessmentId, position, ...stamped(stamp) })
        .returningAll()
        .executeTakeFirstOrThrow()
    },

    async insertCitation(uow: UnitOfWork, findingId: number, values: NewCitation, stamp: Stamp): Promise<Citation> {
      const last = await uow.trx
        .selectFrom('assessment_citations')
        .select((eb) => eb.fn.max('position').as('last'))
        .where('finding_id', '=', findingId)
        .executeTakeFirst()
      const row = await uow.trx
        .insertInto('assessment_citations')
        .values({
          ...values,
          finding_id: findingId,
          position: Number(last?.last ?? 0) + 1,
          frozen_value: null,
          frozen_source: null,
          frozen_at: null,
          ...stamped(stamp),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return citationOf(row)
    },

    async insertThreat(uow: UnitOfWork, assessmentId: number, values: NewThreat, stamp: Stamp): Promise<Threat> {
      const position = await nextPosition(uow, 'assessment_threats', assessmentId)
      const row = await uow.trx
        .insertInto('assessment_threats')
        .values({ ...values, assessment_id: assessmentId, position, ...stamped(stamp) })
        .returningAll()
        .executeTakeFirstOrThrow()
      return threatOf(row)
    },

    async insertRecommendation(uow: UnitOfWork, assessmentId: number, text: string, stamp: Stamp) {
      const position = await nextPosition(uow, 'assessment_recommendations', assessmentId)
      return uow.trx
        .insertInto('assessment_recommendations')
        .values({
          assessment_id: assessmentId,
          position,
          text,
          delivery_priority_id: null,
          adopted_at: null,
          adopted_by: null,
          ...stamped(stamp),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    },

    async insertConsultation(
      uow: UnitOfWork,
      assessmentId: number,
      values: NewConsultation,
      stamp: Stamp,
    ): Promise<Consultation> {
      const row = await uow.trx
        .insertInto('assessment_consultations')
        .values({ ...values, assessment_id: assessmentId, ...stamped(stamp) })
        .returningAll()
        .executeTakeFirstOrThrow()
      return consultationOf(row)
    },

    async freezeCitation(uow: UnitOfWork, id: number, value: string | null, source: string, stamp: Stamp) {
      await uow.trx
        .updateTable('assessment_citations')
        .set({ frozen_value: value, frozen_source: source, frozen_at: stamp.at, ...stamped(stamp) })
        .where('id', '=', id)
        .execute()
    },

    async markFinal(uow: UnitOfWork, id: number, stamp: Stamp): Promise<Assessment> {
      const row = await uow.trx
        .updateTable('strategic_assessments')
        .set({ status: 'final', finalised_at: stamp.at, finalised_by: stamp.by, ...stamped(stamp) })
        .where('id', '=', id)
        .where('status', '=', 'draft')
        .returningAll()
        .executeTakeFirstOrThrow()
      return assessmentOf(row)
    },

    async markAdopted(uow: UnitOfWork, recommendationId: number, deliveryPriorityId: number, stamp: Stamp) {
      await uow.trx
        .updateTable('assessment_recommendations')
        .set({
          delivery_priority_id: deliveryPriorityId,
          adopted_at: stamp.at,
          adopted_by: stamp.by,
          ...stamped(stamp),
        })
        .where('id', '=', recommendationId)
        .where('delivery_priority_id', 'is', null)
        .execute()
    },

    /** Deletes one item of an assessment (a finding with its citations first). */
    async deleteItem(
      uow: UnitOfWork,
      kind: 'finding' | 'citation' | 'threat' | 'recommendation' | 'consultation',
      id: number,
    ): Promise<void> {
      if (kind === 'finding') {
        await uow.trx.deleteFrom('assessment_citations').where('finding_id', '=', id).execute()
        await uow.trx.deleteFrom('assessment_findings').where('id', '=', id).execute()
      } else if (kind === 'citation') await uow.trx.deleteFrom('assessment_citations').where('id', '=', id).execute()
      else if (kind === 'threat') await uow.trx.deleteFrom('assessment_threats').where('id', '=', id).execute()
      else if (kind === 'recommendation') {
        await uow.trx
          .deleteFrom('assessment_recommendations')
          .where('id', '=', id)
          .where('delivery_priority_id', 'is', null)
          .execute()
      } else await uow.trx.deleteFrom('assessment_consultations').where('id', '=', id).execute()
    },

    /** The strategic priorities of the strategies that cover `year` (not superseded), in the strategy's order. */
    async prioritiesFor(year: string, uow?: UnitOfWork): Promise<PriorityChoice[]> {
      const on = uow?.trx ?? db
      const rows = await on
        .selectFrom('strategic_priorities as p')
        .innerJoin('strategies as s', 's.id', 'p.strategy_id')
        .select(['p.id', 'p.name', 's.title as strategy'])
        .where('s.first_year', '<=', year)
        .where('s.last_year', '>=', year)
        .where('s.status', '!=', 'superseded')
        .orderBy('s.first_year')
        .orderBy('p.position')
        .orderBy('p.id')
        .execute()
      return rows
    },

    /** Whether the partnership has a KPI of this id (a citation names one). */
    async indicatorExists(uow: UnitOfWork, id: string): Promise<boolean> {
      return (await uow.trx.selectFrom('indicators').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
    },

    /** A year's delivery priorities, with the strategic priority each sits under. */
    async deliveryPrioritiesOf(year: string) {
      return db
        .selectFrom('delivery_priorities')
        .select(['id', 'name', 'strategic_priority_id'])
        .where('year', '=', year)
        .orderBy('position')
        .execute()
    },

    async findDeliveryPriority(uow: UnitOfWork, strategicPriorityId: number, year: string, name: string) {
      return (
        (await uow.trx
          .selectFrom('delivery_priorities')
          .selectAll()
          .where('strategic_priority_id', '=', strategicPriorityId)
          .where('year', '=', year)
          .where('name', '=', name)
          .executeTakeFirst()) ?? null
      )
    },

    async insertDeliveryPriority(
      uow: UnitOfWork,
      values: { strategicPriorityId: number; year: string; name: string; description: string | null },
      stamp: Stamp,
    ) {
      const last = await uow.trx
        .selectFrom('delivery_priorities')
        .select((eb) => eb.fn.max('position').as('last'))
        .where('strategic_priority_id', '=', values.strategicPriorityId)
        .where('year', '=', values.year)
        .executeTakeFirst()
      return uow.trx
        .insertInto('delivery_priorities')
        .values({
          strategic_priority_id: values.strategicPriorityId,
          year: values.year,
          position: Number(last?.last ?? 0) + 1,
          name: values.name,
          description: values.description,
          ...stamped(stamp),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    },
  }
}

export type AssessmentRepository = ReturnType<typeof createAssessmentRepository>
