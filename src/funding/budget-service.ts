import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import { computeYearBudget, yearsWithMoney, type BudgetRows, type YearBudget } from '../domain/budget.ts'
import { formatMoney, parseMoney, type Pence } from '../domain/money.ts'
import { parsePeriod } from '../domain/period.ts'
import type {
  AllocationRecord,
  AwardRecord,
  BudgetRepository,
  CarryForwardRecord,
  FundingStreamFields,
  FundingStreamRecord,
  SpendRecord,
} from './budget-repository.ts'
import { createBudgetWrites, spendKey, type BudgetWrites, type WriteContext } from './budget-writes.ts'
import { currentFinancialYear, financialYearsFrom, splitAcrossYears, startYearOf } from './funding-stream-years.ts'
import type { SpendKind } from './funding-tables.ts'

/** A form field's problem: `field` is the input's id, for the error summary's link. */
export interface FieldError {
  readonly field: string
  readonly text: string
}

export type SaveResult =
  { readonly ok: true; readonly message: string } | { readonly ok: false; readonly errors: FieldError[] }

/** A form as the browser sends it: every field is text (absent when the form had no such field). */
export type FormInput = Readonly<Record<string, string | undefined>>

/** Everything the budget page shows for a year, read once. */
export interface BudgetPage {
  readonly year: string
  readonly budget: YearBudget
  readonly rows: BudgetRows
  readonly streams: readonly FundingStreamRecord[]
  readonly awards: readonly AwardRecord[]
  readonly carryForwards: readonly CarryForwardRecord[]
  /** The year's allocations, with ids (to change or remove one). */
  readonly allocations: readonly AllocationRecord[]
  /** The year's spend entries. */
  readonly spend: readonly SpendRecord[]
}

const QUARTER = /^(FY\d{4}-\d{2})-Q([1-4])$/

/**
 * The partnership's money (issue 10, item 4): its funding streams with the amount awarded per year, the
 * carry-forward agreed into a year, allocations and spend, and the year's budget computed from them
 * (src/domain/budget.ts, the one computation). Every write is one audited unit of work (src/funding/budget-writes.ts).
 * Other features read the money through `yearBudget` and `years`.
 */
export function createBudgetService(deps: {
  readonly database: Database
  readonly repository: BudgetRepository
  readonly audit: Pick<AuditRepository, 'append'>
  readonly now?: () => Date
}) {
  const { database, repository } = deps
  const now = deps.now ?? (() => new Date())
  const writes: BudgetWrites = createBudgetWrites({ repository, audit: deps.audit })
  const context = (actor: string): WriteContext => ({ actor, at: now().toISOString() })

  /** The years that hold any money: an award, a carry-forward into it, an allocation or spend. */
  /** The stream a form names (by id, from the page's list), or an error for the field. */
  function streamFrom(streams: readonly FundingStreamRecord[], text: string | undefined, field: string) {
    const stream = streams.find((s) => String(s.id) === (text ?? '').trim())
    return stream ?? { field, text: 'Select the funding stream' }
  }

  function amountFrom(text: string | undefined, field: string, what: string): Pence | FieldError {
    const parsed = parseMoney(text ?? '')
    return parsed.ok ? parsed.pence : { field, text: `${what} ${parsed.message}` }
  }

  function yearWithin(stream: FundingStreamRecord, text: string | undefined, field: string): string | FieldError {
    const year = (text ?? '').trim()
    if (startYearOf(year) === null) return { field, text: 'Enter a financial year such as FY2018-19' }
    if (year < stream.firstYear || year > stream.lastYear)
      return { field, text: `${stream.name} runs from ${stream.firstYear} to ${stream.lastYear}: choose a year in it` }
    return year
  }

  const isError = (value: unknown): value is FieldError =>
    typeof value === 'object' && value !== null && 'field' in value && 'text' in value

  const optionalText = (text: string | undefined) => {
    const trimmed = (text ?? '').trim()
    return trimmed === '' ? null : trimmed
  }

  /** A priority and a service from a form (either may be empty, not both), checked to be the partnership's. */
  function targetFrom(
    rows: BudgetRows,
    form: FormInput,
    prefix = '',
  ): { priorityId: number | null; serviceId: number | null } | FieldError[] {
    const errors: FieldError[] = []
    const priorityText = (form.priority ?? '').trim()
    const serviceText = (form.service ?? '').trim()
    const priority = priorityText === '' ? null : rows.priorities.find((p) => String(p.id) === priorityText)
    const service = serviceText === '' ? null : rows.services.find((s) => String(s.id) === serviceText)
    if (priority === undefined) errors.push({ field: `${prefix}priority`, text: 'Select a priority from the list' })
    if (service === undefined) errors.push({ field: `${prefix}service`, text: 'Select a service from the list' })
    if (priorityText === '' && serviceText === '')
      errors.push({ field: `${prefix}priority`, text: 'Select a priority, a service, or both' })
    if (errors.length > 0) return errors
    return { priorityId: priority?.id ?? null, serviceId: service?.id ?? null }
  }

  const illustrativeFrom = (form: FormInput) => form.illustrative === 'yes'

  async function inWork<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return inUnitOfWork(database, work)
  }

  return {
    /** The year's money, computed (src/domain/budget.ts). What other features (services, Appendix A) read. */
    async yearBudget(year: string): Promise<YearBudget> {
      return computeYearBudget(await repository.readRows(), year)
    },

    /**
     * The year's money as a meeting on `date` (`YYYY-MM-DD`) could have known it: the actual spend of the quarters that
     * had ended by then (a quarter ending on 30 June is reported from 1 July), and forecasts, allocations and income
     * as held now (they carry no date of their own). With `quartersCounted`, the quarters whose actual spend counts.
     *
     * @example await budget.yearBudgetAsOf('FY2017-18', '2017-12-12') // Q1 and Q2's actual spend
     */
    async yearBudgetAsOf(year: string, date: string): Promise<YearBudget & { readonly quartersCounted: string[] }> {
      const endedBy = (quarter: string) => {
        const p = parsePeriod(quarter)
        return p !== null && p.lastMonth < date.slice(0, 7)
      }
      const rows = await repository.readRows()
      const spend = rows.spend.filter((s) => s.kind !== 'actual' || endedBy(s.period))
      const quartersCounted = [1, 2, 3, 4].map((q) => `${year}-Q${q}`).filter(endedBy)
      return { ...computeYearBudget({ ...rows, spend }, year), quartersCounted }
    },

    /** The financial years that hold any money, oldest first. */
    async years(): Promise<string[]> {
      return yearsWithMoney(await repository.readRows())
    },

    /**
     * The year the budget page opens on: this financial year in Europe/London when it holds money, else the latest
     * year that does, else this year.
     */
    async defaultYear(): Promise<string> {
      const current = currentFinancialYear(now())
      const years = yearsWithMoney(await repository.readRows())
      if (years.includes(current) || years.length === 0) return current
      return years.at(-1) as string
    },

    /** Everything the budget page shows for the year. */
    async page(year: string): Promise<BudgetPage & { readonly years: string[] }> {
      const [rows, streams, awards, carryForwards, allocations, spend] = await Promise.all([
        repository.readRows(),
        repository.listStreams(),
        repository.listAwards(),
        repository.listCarryForwards(),
        repository.listAllocations(),
        repository.listSpend(),
      ])
      return {
        year,
        years: yearsWithMoney(rows),
        budget: computeYearBudget(rows, year),
        rows,
        streams,
        awards,
        carryForwards,
        allocations: allocations.filter((a) => a.year === year),
        spend: spend.filter((s) => s.period.startsWith(`${year}-`)),
      }
    },

    async streams(): Promise<FundingStreamRecord[]> {
      return repository.listStreams()
    },

    /**
     * Adds a funding stream (with `id`: changes it). A multi-year fund may be entered as its `total`: it is split
     * across the stream's years (funding-stream-years.ts, `splitAcrossYears`) into one award a year, each editable.
     */
    async saveStream(actor: string, form: FormInput, id?: number): Promise<SaveResult> {
      const errors: FieldError[] = []
      const text = (name: string) => (form[name] ?? '').trim()
      if (text('funder') === '') errors.push({ field: 'funder', text: 'Enter who gives the money' })
      if (text('name') === '') errors.push({ field: 'name', text: 'Enter the stream’s name' })
      for (const field of ['firstYear', 'lastYear'])
        if (startYearOf(text(field)) === null) errors.push({ field, text: 'Enter a financial year such as FY2018-19' })
      if (errors.length === 0 && text('firstYear') > text('lastYear'))
        errors.push({ field: 'lastYear', text: 'The last year cannot be before the first' })
      let total: Pence | null = null
      if (id === undefined && text('total') !== '') {
        const parsed = amountFrom(text('total'), 'total', 'The total')
        if (isError(parsed)) errors.push(parsed)
        else total = parsed
      }
      const streams = await repository.listStreams()
      const existing = id === undefined ? null : (streams.find((s) => s.id === id) ?? null)
      if (id !== undefined && existing === null)
        return { ok: false, errors: [{ field: 'name', text: 'No such stream' }] }
      if (streams.some((s) => s.name.toLowerCase() === text('name').toLowerCase() && s.id !== id))
        errors.push({ field: 'name', text: 'Another stream has this name already' })
      if (errors.length > 0) return { ok: false, errors }
      const fields: FundingStreamFields = {
        funder: text('funder'),
        name: text('name'),
        purpose: optionalText(form.purpose),
        firstYear: text('firstYear'),
        lastYear: text('lastYear'),
        conditions: optionalText(form.conditions),
        funderReference: optionalText(form.funderReference),
      }
      const ctx = context(actor)
      return inWork(async (uow) => {
        const { stream } = await writes.stream(uow, ctx, fields, existing)
        if (total === null) return { ok: true, message: `${stream.name} saved.` }
        const shares = splitAcrossYears(total, financialYearsFrom(stream.firstYear, stream.lastYear))
        for (const share of shares)
          await writes.award(
            uow,
            ctx,
            {
              streamId: stream.id,
              year: share.year,
              awardedPence: share.pence,
              receivedPence: 0,
              illustrative: illustrativeFrom(form),
            },
            null,
          )
        return {
          ok: true,
          message: `${stream.name} saved; its ${formatMoney(total)} is split across ${shares.length} years: ${shares
            .map((s) => `${s.year} ${formatMoney(s.pence)}`)
            .join(', ')}.`,
        }
      })
    },

    /** Sets a stream's award for a year (amount awarded and received to date); an empty amount removes it. */
    async setAward(actor: string, form: FormInput): Promise<SaveResult> {
      const streams = await repository.listStreams()
      const stream = streamFrom(streams, form.stream, 'award-stream')
      if (isError(stream)) return { ok: false, errors: [stream] }
      const year = yearWithin(stream, form.year, 'award-year')
      const errors: FieldError[] = isError(year) ? [year] : []
      const removing = (form.awarded ?? '').trim() === ''
      const awarded = removing ? 0 : amountFrom(form.awarded, 'awarded', 'The amount awarded')
      const received =
        (form.received ?? '').trim() === '' ? 0 : amountFrom(form.received, 'received', 'The amount received')
      if (isError(awarded)) errors.push(awarded)
      if (isError(received)) errors.push(received)
      if (errors.length > 0 || isError(year) || isError(awarded) || isError(received)) return { ok: false, errors }
      const existing = (await repository.listAwards()).find((a) => a.streamId === stream.id && a.year === year) ?? null
      const ctx = context(actor)
      return inWork(async (uow) => {
        if (removing) {
          if (existing) await writes.removeAward(uow, ctx, existing)
          return { ok: true, message: `${stream.name}: the ${year} award removed.` }
        }
        const outcome = await writes.award(
          uow,
          ctx,
          {
            streamId: stream.id,
            year,
            awardedPence: awarded,
            receivedPence: received,
            illustrative: illustrativeFrom(form),
          },
          existing,
        )
        return { ok: true, message: `${stream.name}: ${year} award ${formatMoney(awarded)} ${outcome}.` }
      })
    },

    /**
     * Sets the carry-forward agreed into a year from the stream's year before (the year before's "carry-forward
     * out" is the same row); an empty amount removes it.
     */
    async setCarryForward(actor: string, form: FormInput): Promise<SaveResult> {
      const streams = await repository.listStreams()
      const stream = streamFrom(streams, form.stream, 'carry-stream')
      if (isError(stream)) return { ok: false, errors: [stream] }
      const intoYear = (form.intoYear ?? '').trim()
      const errors: FieldError[] = []
      if (startYearOf(intoYear) === null)
        errors.push({ field: 'carry-year', text: 'Enter a financial year such as FY2018-19' })
      const removing = (form.amount ?? '').trim() === ''
      const amount = removing ? 0 : amountFrom(form.amount, 'carry-amount', 'The carry-forward')
      if (isError(amount)) errors.push(amount)
      if (errors.length > 0 || isError(amount)) return { ok: false, errors }
      const existing =
        (await repository.listCarryForwards()).find((c) => c.streamId === stream.id && c.intoYear === intoYear) ?? null
      const ctx = context(actor)
      return inWork(async (uow) => {
        if (removing) {
          if (existing) await writes.removeCarryForward(uow, ctx, existing)
          return { ok: true, message: `${stream.name}: the carry-forward into ${intoYear} removed.` }
        }
        const outcome = await writes.carryForward(
          uow,
          ctx,
          { streamId: stream.id, intoYear, amountPence: amount, illustrative: illustrativeFrom(form) },
          existing,
        )
        return {
          ok: true,
          message: `${stream.name}: carry-forward into ${intoYear} of ${formatMoney(amount)} ${outcome}.`,
        }
      })
    },

    /** Allocates part of a stream's budget for a year to a priority, a service or both (with `id`: changes one). */
    async saveAllocation(actor: string, form: FormInput, id?: number): Promise<SaveResult> {
      const [rows, streams, allocations] = await Promise.all([
        repository.readRows(),
        repository.listStreams(),
        repository.listAllocations(),
      ])
      const existing = id === undefined ? null : (allocations.find((a) => a.id === id) ?? null)
      if (id !== undefined && existing === null)
        return { ok: false, errors: [{ field: 'allocation-stream', text: 'No such allocation' }] }
      const stream = streamFrom(streams, form.stream, 'allocation-stream')
      if (isError(stream)) return { ok: false, errors: [stream] }
      const year = yearWithin(stream, form.year, 'allocation-year')
      const target = targetFrom(rows, form)
      const amount = amountFrom(form.amount, 'allocation-amount', 'The amount')
      const errors = [
        ...(isError(year) ? [year] : []),
        ...(Array.isArray(target) ? target : []),
        ...(isError(amount) ? [amount] : []),
      ]
      if (errors.length > 0 || isError(year) || Array.isArray(target) || isError(amount)) return { ok: false, errors }
      const ctx = context(actor)
      return inWork(async (uow) => {
        const { outcome } = await writes.allocation(
          uow,
          ctx,
          {
            streamId: stream.id,
            year,
            ...target,
            amountPence: amount,
            note: optionalText(form.note),
            illustrative: illustrativeFrom(form),
          },
          existing,
        )
        return { ok: true, message: `Allocation of ${formatMoney(amount)} from ${stream.name} ${outcome}.` }
      })
    },

    async removeAllocation(actor: string, id: number): Promise<SaveResult> {
      const existing = (await repository.listAllocations()).find((a) => a.id === id)
      if (!existing) return { ok: false, errors: [{ field: 'allocation-stream', text: 'No such allocation' }] }
      const ctx = context(actor)
      return inWork(async (uow) => {
        await writes.removeAllocation(uow, ctx, existing)
        return { ok: true, message: `Allocation of ${formatMoney(existing.amountPence)} removed.` }
      })
    },

    /**
     * Records a quarter's spend (actual or forecast) from a stream for a priority or a service: one actual and one
     * forecast a quarter for each; a correction replaces the figure (the audit trail keeps the old). An empty amount
     * removes it.
     */
    async setSpend(actor: string, form: FormInput): Promise<SaveResult> {
      const [rows, streams, spend] = await Promise.all([
        repository.readRows(),
        repository.listStreams(),
        repository.listSpend(),
      ])
      const stream = streamFrom(streams, form.stream, 'spend-stream')
      if (isError(stream)) return { ok: false, errors: [stream] }
      const errors: FieldError[] = []
      const period = (form.quarter ?? '').trim()
      const quarter = QUARTER.exec(period)
      if (!quarter || startYearOf(quarter[1] as string) === null)
        errors.push({ field: 'spend-quarter', text: 'Enter a quarter such as FY2018-19-Q2' })
      else if ((quarter[1] as string) < stream.firstYear || (quarter[1] as string) > stream.lastYear)
        errors.push({
          field: 'spend-quarter',
          text: `${stream.name} runs from ${stream.firstYear} to ${stream.lastYear}`,
        })
      const kind = form.kind === 'actual' || form.kind === 'forecast' ? (form.kind as SpendKind) : null
      if (kind === null) errors.push({ field: 'spend-kind', text: 'Select actual or forecast' })
      const target = targetFrom(rows, form, 'spend-')
      if (Array.isArray(target)) errors.push(...target)
      const removing = (form.amount ?? '').trim() === ''
      const amount = removing ? 0 : amountFrom(form.amount, 'spend-amount', 'The amount')
      if (isError(amount)) errors.push(amount)
      if (errors.length > 0 || kind === null || Array.isArray(target) || isError(amount)) return { ok: false, errors }
      const fields = {
        streamId: stream.id,
        period,
        kind,
        ...target,
        amountPence: amount,
        illustrative: illustrativeFrom(form),
      }
      const existing = spend.find((s) => spendKey(s) === spendKey(fields)) ?? null
      const ctx = context(actor)
      return inWork(async (uow) => {
        if (removing) {
          if (existing) await writes.removeSpend(uow, ctx, existing)
          return { ok: true, message: `${stream.name}: ${kind} spend for ${period} removed.` }
        }
        const outcome = await writes.spend(uow, ctx, fields, existing)
        return {
          ok: true,
          message: `${stream.name}: ${kind} spend for ${period} of ${formatMoney(amount)} ${outcome}.`,
        }
      })
    },
  }
}

export type BudgetService = ReturnType<typeof createBudgetService>
