import type { AuditRepository } from '../audit/audit-repository.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Strand } from './reporting-centre-rules.ts'

/** A third-party hate-crime reporting centre. */
export interface ReportingCentre {
  readonly id: number
  readonly organisation: string
  readonly wardId: number
  readonly wardName: string
  readonly strands: readonly Strand[]
  readonly trainedStaff: number
  readonly trainingDates: readonly string[]
  readonly lastCheckedOn: string | null
  readonly closedOn: string | null
  readonly illustrative: boolean
}

/** Reports a centre took in a quarter. */
export interface CentreQuarter {
  readonly centreId: number
  readonly quarter: string
  readonly reportsTaken: number
  readonly passedToPolice: number
  readonly illustrative: boolean
}

/** A centre as the import writes it (its ward already matched). */
export interface CentreWrite {
  readonly organisation: string
  readonly wardId: number
  readonly strands: readonly Strand[]
  readonly trainedStaff: number
  readonly trainingDates: readonly string[]
  readonly lastCheckedOn: string | null
  readonly illustrative: boolean
}

export interface ReportingCentreRepository {
  centres(uow: UnitOfWork): Promise<ReportingCentre[]>
  centre(uow: UnitOfWork, id: number): Promise<ReportingCentre | null>
  quarters(uow: UnitOfWork, filter?: { centreId?: number; quarterPrefix?: string }): Promise<CentreQuarter[]>
  /** Adds a centre, or updates the one of the same organisation; audited. */
  saveCentre(
    uow: UnitOfWork,
    centre: CentreWrite,
    actor: string,
    requestId: string | null,
  ): Promise<'created' | 'updated' | 'unchanged'>
  markChecked(uow: UnitOfWork, id: number, date: string, actor: string, requestId: string | null): Promise<boolean>
  /** Closes a centre (it stopped taking reports): its retention clock starts. */
  close(uow: UnitOfWork, id: number, date: string, actor: string, requestId: string | null): Promise<boolean>
  saveQuarter(
    uow: UnitOfWork,
    q: { centreId: number; quarter: string; reportsTaken: number; passedToPolice: number; illustrative: boolean },
    actor: string,
    requestId: string | null,
  ): Promise<'created' | 'updated' | 'unchanged'>
  /** How many tension log entries name the centre as where they were reported. */
  entriesReportedThrough(uow: UnitOfWork, id: number): Promise<number>
  /** Deletes a centre and its quarters' counts (retention), each audited. */
  deleteCentre(uow: UnitOfWork, id: number, actor: string, requestId: string | null): Promise<void>
}

export function createReportingCentreRepository(audit: AuditRepository): ReportingCentreRepository {
  const now = () => new Date().toISOString()
  const split = (s: string) => (s === '' ? [] : s.split(/[,;]/))
  async function read({ trx }: UnitOfWork, id?: number): Promise<ReportingCentre[]> {
    let query = trx
      .selectFrom('reporting_centres as c')
      .innerJoin('register_wards as w', (j) => j.onRef('w.id', '=', 'c.ward_id'))
      .select([
        'c.id',
        'c.organisation',
        'c.ward_id',
        'w.name as ward_name',
        'c.strands',
        'c.trained_staff',
        'c.training_dates',
        'c.last_checked_on',
        'c.closed_on',
        'c.illustrative',
      ])
      .orderBy('c.organisation')
    if (id !== undefined) query = query.where('c.id', '=', id)
    const rows = await query.execute()
    return rows.map((r) => ({
      id: r.id,
      organisation: r.organisation,
      wardId: r.ward_id,
      wardName: r.ward_name,
      strands: split(r.strands) as Strand[],
      trainedStaff: r.trained_staff,
      trainingDates: split(r.training_dates),
      lastCheckedOn: r.last_checked_on,
      closedOn: r.closed_on,
      illustrative: r.illustrative === 1,
    }))
  }
  return {
    centres: (uow) => read(uow),
    async centre(uow, id) {
      return (await read(uow, id))[0] ?? null
    },
    async quarters({ trx }, filter = {}) {
      let query = trx
        .selectFrom('reporting_centre_quarters')
        .select(['centre_id', 'quarter', 'reports_taken', 'passed_to_police', 'illustrative'])
      if (filter.centreId !== undefined) query = query.where('centre_id', '=', filter.centreId)
      if (filter.quarterPrefix !== undefined) query = query.where('quarter', 'like', `${filter.quarterPrefix}%`)
      const rows = await query.orderBy('quarter').execute()
      return rows.map((r) => ({
        centreId: r.centre_id,
        quarter: r.quarter,
        reportsTaken: r.reports_taken,
        passedToPolice: r.passed_to_police,
        illustrative: r.illustrative === 1,
      }))
    },
    async saveCentre({ trx }, centre, actor, requestId) {
      const before = await trx
        .selectFrom('reporting_centres')
        .select([
          'id',
          'organisation',
          'ward_id',
          'strands',
          'trained_staff',
          'training_dates',
          'last_checked_on',
          'version',
        ])
        .where('organisation', '=', centre.organisation)
        .executeTakeFirst()
      const after = {
        organisation: centre.organisation,
        ward_id: centre.wardId,
        strands: centre.strands.join(','),
        trained_staff: centre.trainedStaff,
        training_dates: centre.trainingDates.join(';'),
        last_checked_on: centre.lastCheckedOn,
      }
      if (before) {
        const { id, version, ...was } = before
        if (JSON.stringify(was) === JSON.stringify(after)) return 'unchanged'
        await trx
          .updateTable('reporting_centres')
          .set({ ...after, version: version + 1, updated_at: now(), updated_by: actor })
          .where('id', '=', id)
          .execute()
        await audit.append(trx, {
          actor,
          action: 'update',
          entityType: 'reporting-centre',
          entityKey: String(id),
          before: was,
          after,
          requestId,
        })
        return 'updated'
      }
      const { id } = await trx
        .insertInto('reporting_centres')
        .values({
          ...after,
          illustrative: centre.illustrative ? 1 : 0,
          created_at: now(),
          updated_at: now(),
          updated_by: actor,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit.append(trx, {
        actor,
        action: 'create',
        entityType: 'reporting-centre',
        entityKey: String(id),
        before: null,
        after,
        requestId,
      })
      return 'created'
    },
    async markChecked({ trx }, id, date, actor, requestId) {
      const before = await trx
        .selectFrom('reporting_centres')
        .select(['last_checked_on', 'version'])
        .where('id', '=', id)
        .executeTakeFirst()
      if (!before) return false
      await trx
        .updateTable('reporting_centres')
        .set({ last_checked_on: date, version: before.version + 1, updated_at: now(), updated_by: actor })
        .where('id', '=', id)
        .execute()
      await audit.append(trx, {
        actor,
        action: 'check-active',
        entityType: 'reporting-centre',
        entityKey: String(id),
        before: { last_checked_on: before.last_checked_on },
        after: { last_checked_on: date },
        requestId,
      })
      return true
    },
    async close({ trx }, id, date, actor, requestId) {
      const before = await trx
        .selectFrom('reporting_centres')
        .select(['closed_on', 'version'])
        .where('id', '=', id)
        .executeTakeFirst()
      if (!before || before.closed_on !== null) return false
      await trx
        .updateTable('reporting_centres')
        .set({ closed_on: date, version: before.version + 1, updated_at: now(), updated_by: actor })
        .where('id', '=', id)
        .execute()
      await audit.append(trx, {
        actor,
        action: 'close',
        entityType: 'reporting-centre',
        entityKey: String(id),
        before: { closed_on: null },
        after: { closed_on: date },
        requestId,
      })
      return true
    },
    async saveQuarter({ trx }, q, actor, requestId) {
      const before = await trx
        .selectFrom('reporting_centre_quarters')
        .select(['id', 'reports_taken', 'passed_to_police', 'version'])
        .where('centre_id', '=', q.centreId)
        .where('quarter', '=', q.quarter)
        .executeTakeFirst()
      const after = {
        centre_id: q.centreId,
        quarter: q.quarter,
        reports_taken: q.reportsTaken,
        passed_to_police: q.passedToPolice,
      }
      const key = `${q.centreId}/${q.quarter}`
      if (before) {
        if (before.reports_taken === q.reportsTaken && before.passed_to_police === q.passedToPolice) return 'unchanged'
        await trx
          .updateTable('reporting_centre_quarters')
          .set({
            reports_taken: q.reportsTaken,
            passed_to_police: q.passedToPolice,
            version: before.version + 1,
            updated_at: now(),
            updated_by: actor,
          })
          .where('id', '=', before.id)
          .execute()
        await audit.append(trx, {
          actor,
          action: 'update',
          entityType: 'reporting-centre-quarter',
          entityKey: key,
          before: { reports_taken: before.reports_taken, passed_to_police: before.passed_to_police },
          after,
          requestId,
        })
        return 'updated'
      }
      await trx
        .insertInto('reporting_centre_quarters')
        .values({
          ...after,
          illustrative: q.illustrative ? 1 : 0,
          created_at: now(),
          updated_at: now(),
          updated_by: actor,
        })
        .execute()
      await audit.append(trx, {
        actor,
        action: 'create',
        entityType: 'reporting-centre-quarter',
        entityKey: key,
        before: null,
        after,
        requestId,
      })
      return 'created'
    },
    async entriesReportedThrough({ trx }, id) {
      const row = await trx
        .selectFrom('tension_entries')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('reporting_centre_id', '=', id)
        .executeTakeFirst()
      return Number(row?.n ?? 0)
    },
    async deleteCentre({ trx }, id, actor, requestId) {
      const quarters = await trx
        .selectFrom('reporting_centre_quarters')
        .selectAll()
        .where('centre_id', '=', id)
        .execute()
      for (const q of quarters) {
        await trx.deleteFrom('reporting_centre_quarters').where('id', '=', q.id).execute()
        await audit.append(trx, {
          actor,
          action: 'delete',
          entityType: 'reporting-centre-quarter',
          entityKey: `${id}/${q.quarter}`,
          before: q,
          after: null,
          requestId,
        })
      }
      const before = await trx.selectFrom('reporting_centres').selectAll().where('id', '=', id).executeTakeFirst()
      if (!before) return
      await trx.deleteFrom('reporting_centres').where('id', '=', id).execute()
      await audit.append(trx, {
        actor,
        action: 'delete',
        entityType: 'reporting-centre',
        entityKey: String(id),
        before,
        after: null,
        requestId,
      })
    },
  }
}
