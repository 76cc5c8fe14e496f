import { demand, type Principal } from '../accounts/permissions.ts'
import { inUnitOfWork, inUnitOfWorkOrRollBack, RollBack, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import { londonDate } from '../domain/period.ts'
import type { RetentionDescriptor } from '../retention/retention-descriptor.ts'
import type { CentreQuarter, ReportingCentre, ReportingCentreRepository } from './reporting-centre-repository.ts'
import { isCheckDue, isQuarter, readCentresCsv, type ImportProblem } from './reporting-centre-rules.ts'
import type { TensionRepository, Ward } from './tension-repository.ts'
import type { FieldError } from './tension-rules.ts'

type User = Principal & { readonly email: string }

/** A centre as the pages show it. */
export type CentreShown = ReportingCentre & {
  readonly checkDue: boolean
  readonly reportsTaken: number
  readonly passedToPolice: number
}

/** The register: centres, coverage by ward and the checks due. */
export interface CentresView {
  readonly centres: readonly CentreShown[]
  /** Every ward with its open centres (wards with none have an empty list). */
  readonly coverage: readonly { readonly ward: Ward; readonly centres: number }[]
  readonly wardsWithout: readonly Ward[]
  readonly checksDue: readonly CentreShown[]
  readonly today: string
}

export type ImportOutcome =
  | { readonly outcome: 'imported'; readonly created: number; readonly updated: number; readonly unchanged: number }
  | { readonly outcome: 'invalid'; readonly problems: readonly ImportProblem[] }

export interface ReportingCentreService {
  view(viewer: Principal): Promise<CentresView>
  centre(viewer: Principal, id: number): Promise<{ centre: CentreShown; quarters: CentreQuarter[] } | null>
  /** Imports centres from CSV, all or nothing: any problem and nothing is written. */
  importCsv(user: User, text: string, requestId?: string | null): Promise<ImportOutcome>
  /** Records that the centre was checked active today (in England). */
  markChecked(user: User, id: number, requestId?: string | null): Promise<boolean>
  /** Records that the centre closed today (in England): its retention clock starts. */
  close(user: User, id: number, requestId?: string | null): Promise<boolean>
  saveQuarter(
    user: User,
    id: number,
    input: { quarter: string; reportsTaken: string; passedToPolice: string },
    requestId?: string | null,
  ): Promise<{ outcome: 'saved' } | { outcome: 'not-found' } | { outcome: 'invalid'; errors: FieldError[] }>
}

export function createReportingCentreService(deps: {
  readonly database: Database
  readonly repository: ReportingCentreRepository
  readonly tensions: TensionRepository
  readonly now?: () => Date
}): ReportingCentreService {
  const { database, repository } = deps
  const now = deps.now ?? (() => new Date())
  const read = (): UnitOfWork => ({
    trx: database.db,
    dialect: database.dialect,
    partnershipId: partnershipIdOf(database),
  })
  const shown =
    (today: string, quarters: readonly CentreQuarter[]) =>
    (c: ReportingCentre): CentreShown => {
      const own = quarters.filter((q) => q.centreId === c.id)
      return {
        ...c,
        checkDue: isCheckDue(c, today),
        reportsTaken: own.reduce((n, q) => n + q.reportsTaken, 0),
        passedToPolice: own.reduce((n, q) => n + q.passedToPolice, 0),
      }
    }
  return {
    async view(viewer) {
      demand(viewer, 'statutory:view')
      const uow = read()
      const today = londonDate(now())
      const [centres, quarters, wards] = await Promise.all([
        repository.centres(uow),
        repository.quarters(uow),
        deps.tensions.wards(uow),
      ])
      const all = centres.map(shown(today, quarters))
      const coverage = wards.map((ward) => ({
        ward,
        centres: all.filter((c) => c.wardId === ward.id && c.closedOn === null).length,
      }))
      return {
        centres: all,
        coverage,
        wardsWithout: coverage.filter((c) => c.centres === 0).map((c) => c.ward),
        checksDue: all.filter((c) => c.checkDue),
        today,
      }
    },
    async centre(viewer, id) {
      demand(viewer, 'statutory:view')
      const uow = read()
      const found = await repository.centre(uow, id)
      if (!found) return null
      const quarters = await repository.quarters(uow, { centreId: id })
      return { centre: shown(londonDate(now()), quarters)(found), quarters }
    },
    async importCsv(user, text, requestId = null) {
      demand(user, 'statutory:edit')
      const wards = await deps.tensions.wards(read())
      const { rows, problems } = readCentresCsv(
        text,
        wards.map((w) => w.name),
      )
      if (problems.length > 0) return { outcome: 'invalid', problems }
      if (rows.length === 0)
        return { outcome: 'invalid', problems: [{ row: 0, column: '', message: 'The file has no centres' }] }
      const wardId = new Map(wards.map((w) => [w.name, w.id]))
      // One unit of work: a failure part-way (a row the database refuses) undoes the rows before it too.
      return inUnitOfWorkOrRollBack(database, async (uow): Promise<ImportOutcome> => {
        const counts = { created: 0, updated: 0, unchanged: 0 }
        for (const [i, row] of rows.entries()) {
          try {
            const result = await repository.saveCentre(
              uow,
              { ...row, wardId: wardId.get(row.ward) as number, illustrative: false },
              user.email,
              requestId,
            )
            counts[result] += 1
          } catch (error) {
            throw new RollBack<ImportOutcome>({
              outcome: 'invalid',
              problems: [
                { row: i + 2, column: '', message: `The row could not be stored: ${(error as Error).message}` },
              ],
            })
          }
        }
        return { outcome: 'imported', ...counts }
      })
    },
    async markChecked(user, id, requestId = null) {
      demand(user, 'statutory:edit')
      return inUnitOfWork(database, (uow) => repository.markChecked(uow, id, londonDate(now()), user.email, requestId))
    },
    async close(user, id, requestId = null) {
      demand(user, 'statutory:edit')
      return inUnitOfWork(database, (uow) => repository.close(uow, id, londonDate(now()), user.email, requestId))
    },
    async saveQuarter(user, id, input, requestId = null) {
      demand(user, 'statutory:edit')
      const errors: FieldError[] = []
      if (!isQuarter(input.quarter.trim()))
        errors.push({ field: 'quarter', message: 'Enter the quarter as FY2017-18-Q1' })
      const count = (s: string) => (/^\d{1,6}$/.test(s.trim()) ? Number(s.trim()) : null)
      const taken = count(input.reportsTaken)
      const passed = count(input.passedToPolice)
      if (taken === null) errors.push({ field: 'reportsTaken', message: 'Enter the reports taken as a whole number' })
      if (passed === null)
        errors.push({ field: 'passedToPolice', message: 'Enter the reports passed to the police as a whole number' })
      if (taken !== null && passed !== null && passed > taken)
        errors.push({ field: 'passedToPolice', message: 'More reports cannot be passed to the police than were taken' })
      if (errors.length > 0) return { outcome: 'invalid', errors }
      return inUnitOfWork(database, async (uow) => {
        if (!(await repository.centre(uow, id))) return { outcome: 'not-found' as const }
        await repository.saveQuarter(
          uow,
          {
            centreId: id,
            quarter: input.quarter.trim(),
            reportsTaken: taken as number,
            passedToPolice: passed as number,
            illustrative: false,
          },
          user.email,
          requestId,
        )
        return { outcome: 'saved' as const }
      })
    },
  }
}

/** Default: six years after a centre closes (see the README's retention section for why). */
export const REPORTING_CENTRE_DEFAULT_MONTHS = 72

/**
 * Reporting centres in retention: the clock starts when a centre closes; the organisation's name labels it. Refused
 * while a tension log entry names the centre as where it was reported (that entry needs it).
 */
export function reportingCentreRetention(repository: ReportingCentreRepository): RetentionDescriptor {
  return {
    recordType: 'reporting-centre',
    name: 'Hate-crime third-party reporting centres',
    table: 'reporting_centres',
    clockColumn: 'closed_on',
    clockStarts: 'when the centre closes',
    labelColumn: 'organisation',
    defaultMonths: REPORTING_CENTRE_DEFAULT_MONTHS,
    defaultReason:
      'Suggested default: six years after closing, as for the partnership’s other records of arrangements with organisations; confirm with the data protection officer.',
    async neededBy(uow, id) {
      const n = await repository.entriesReportedThrough(uow, id)
      return n === 0
        ? null
        : `${n} community tension log ${n === 1 ? 'entry names' : 'entries name'} it as where ${n === 1 ? 'it was' : 'they were'} reported: delete ${n === 1 ? 'that entry' : 'those entries'} first`
    },
    delete: (uow, id, actor, requestId) => repository.deleteCentre(uow, id, actor, requestId),
  }
}
