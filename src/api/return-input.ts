import { z } from 'zod'
import type { ValueStatus } from '../domain/indicator.ts'
import { VALUE_STATUSES, VALUE_TEXT_LIMITS } from '../performance/import/value-rows.ts'
import { fieldName, isBlankItem, ITEM_FIELDS, type ItemField, type ItemProblem } from '../returns/return-fields.ts'
import type { ReturnLine } from '../returns/returns-service.ts'
import type { FieldProblem } from './problem.ts'

/** More items than an agency owning 60 monthly KPIs sends (180), far fewer than a body that only costs memory. */
export const RETURN_ITEMS_LIMIT = 2000

const figure = z.number().finite().nullable().optional()
const text = (max: number) => z.string().max(max).nullable().optional()

/**
 * One KPI's figure for one period of a return. The boxes are the values table's columns (as on the return page and
 * in an import); `confirmed` is the page's "I have checked this figure" box. Strict: an agency, a version or any
 * other field is refused with 400, so that nothing can be assigned that the URL and the caller do not say.
 */
export const returnItemSchema = z
  .object({
    indicator: z.string().min(1).max(200),
    period: z.string().min(1).max(32),
    status: z.enum(VALUE_STATUSES as unknown as [ValueStatus, ...ValueStatus[]]).optional(),
    value: figure,
    numerator: figure,
    denominator: figure,
    percent: figure,
    text: text(VALUE_TEXT_LIMITS.text),
    reason: text(VALUE_TEXT_LIMITS.reason),
    commentary: text(VALUE_TEXT_LIMITS.commentary),
    confirmed: z.boolean().optional(),
  })
  .strict()

/** The body of `PUT /api/returns/{quarter}/{agency}`: the whole return, saved as a draft or submitted. */
export const returnBodySchema = z
  .object({
    intent: z.enum(['save', 'submit']),
    items: z.array(returnItemSchema).max(RETURN_ITEMS_LIMIT),
  })
  .strict()

export type ReturnItemBody = z.infer<typeof returnItemSchema>
export type ReturnBody = z.infer<typeof returnBodySchema>

/** What the caller is told when a field is not one of the return's. */
export const RETURN_UNKNOWN_FIELD_HINT =
  'a return holds intent and items, each item indicator, period, its figures, status, reason, commentary and ' +
  'confirmed (the agency and quarter come from the URL, the version from If-Match)'

/** A problem with a return sent to the API, in the API's terms: which item, KPI, period and field. */
export interface ReturnFieldProblem extends FieldProblem {
  readonly indicator?: string
  readonly period?: string
  /** The item's field: `value`, `status`, …, or `confirmed`. */
  readonly field?: string
}

/** One box of the return's form, traced back to the item of the request that filled it. */
export interface ReturnBox {
  readonly indicator: string
  readonly period: string
  /** The form field's own name (`confirm` for the page's tick box). */
  readonly field: ItemField | 'confirm'
  /** The prefix of the KPI's boxes for the period (keys the service's warnings). */
  readonly prefix: string
  /** "Knife crime"; "CJ clients in treatment (opiate), May 2018". */
  readonly title: string
  /** Where the item is in the request's `items`; null when it was not sent. */
  readonly index: number | null
  /** True when the item was not sent, or sent with nothing in it. */
  readonly blank: boolean
}

export type MappedReturn =
  | {
      readonly ok: true
      /** The service's form-field input (src/returns/return-fields.ts), as the return page would post it. */
      readonly fields: Readonly<Record<string, string>>
      /** Every box of the return, by form field name, for putting the service's answer in the API's terms. */
      readonly boxes: ReadonlyMap<string, ReturnBox>
    }
  | { readonly ok: false; readonly problems: readonly ReturnFieldProblem[] }

const pairKey = (indicator: string, period: string) => `${indicator}\u0000${period}`

/**
 * The API's items as the return form's fields (`knife-crime-value`, `cj-clients-in-treatment-opiate--2018-05-value`,
 * `…-confirm`: return-fields.ts's `fieldName` and prefix rules), so that a return sent through the API goes through
 * exactly the service call, rules and warnings the return page's form does. Items for a KPI or period the return
 * does not ask for, or sent twice, are problems naming them. A KPI and period left out, or a figure sent as null,
 * is a blank box, as on the page (a draft may leave it; a submission may not).
 *
 * @example
 *   returnItemsToFields([{ indicator: 'knife-crime', period: 'FY2018-19-Q1', value: 41 }], lines)
 *   // { ok: true, fields: { 'knife-crime-value': '41' }, boxes: … }
 */
export function returnItemsToFields(items: readonly ReturnItemBody[], lines: readonly ReturnLine[]): MappedReturn {
  const due = new Map<string, { indicator: string; period: string; prefix: string; title: string }>()
  for (const line of lines) {
    for (const entry of line.entries) {
      due.set(pairKey(line.indicator.id, entry.period.id), {
        indicator: line.indicator.id,
        period: entry.period.id,
        prefix: entry.boxes.prefix,
        title: entry.boxes.title,
      })
    }
  }
  const problems: ReturnFieldProblem[] = []
  const fields: Record<string, string> = {}
  const sentAt = new Map<string, number>()
  items.forEach((item, index) => {
    const slot = due.get(pairKey(item.indicator, item.period))
    if (!slot) {
      const line = lines.find((l) => l.indicator.id === item.indicator)
      problems.push(
        line
          ? {
              pointer: `/items/${index}/period`,
              indicator: item.indicator,
              period: item.period,
              field: 'period',
              detail: `${line.indicator.name}: this return does not ask for period ${item.period}; it asks for ${line.entries.map((e) => e.period.id).join(', ')}`,
            }
          : {
              pointer: `/items/${index}/indicator`,
              indicator: item.indicator,
              period: item.period,
              field: 'indicator',
              detail: `KPI ${item.indicator} is not due in this return (GET the return for the KPIs and periods it asks for)`,
            },
      )
      return
    }
    const first = sentAt.get(slot.prefix)
    if (first !== undefined) {
      problems.push({
        pointer: `/items/${index}`,
        indicator: item.indicator,
        period: item.period,
        detail: `${slot.title}: sent twice (also item ${first}); send each KPI and period once`,
      })
      return
    }
    sentAt.set(slot.prefix, index)
    for (const f of ITEM_FIELDS) {
      const v = item[f]
      if (v !== undefined && v !== null) fields[fieldName(slot.prefix, f)] = typeof v === 'number' ? String(v) : v
    }
    if (item.confirmed === true) fields[fieldName(slot.prefix, 'confirm')] = 'yes'
  })
  if (problems.length > 0) return { ok: false, problems }

  const boxes = new Map<string, ReturnBox>()
  for (const slot of due.values()) {
    const index = sentAt.get(slot.prefix) ?? null
    const typed: Partial<Record<ItemField, string>> = {}
    for (const f of ITEM_FIELDS) {
      const v = fields[fieldName(slot.prefix, f)]
      if (v !== undefined) typed[f] = v
    }
    const blank = index === null || isBlankItem(typed)
    for (const field of [...ITEM_FIELDS, 'confirm'] as const) {
      boxes.set(fieldName(slot.prefix, field), { ...slot, field, index, blank })
    }
  }
  return { ok: true, fields, boxes }
}

const BLANK_ON_SUBMIT =
  'a submitted return needs every KPI and period it asks for: send the figure, or a status saying why there is none with a reason'

/**
 * The returns service's problems (keyed by form field, worded for the page) in the API's terms: the item's pointer,
 * KPI, period and field, and what to send instead of what to tick or type.
 */
export function problemsInApiTerms(
  problems: readonly ItemProblem[],
  warnings: Readonly<Record<string, string>>,
  boxes: ReadonlyMap<string, ReturnBox>,
): ReturnFieldProblem[] {
  return problems.map((problem) => {
    const box = boxes.get(problem.field)
    if (!box) return { pointer: '', detail: problem.message }
    const field = box.field === 'confirm' ? 'confirmed' : box.field
    const where = { indicator: box.indicator, period: box.period, field }
    if (box.index === null) {
      return { pointer: '/items', ...where, detail: `${box.title}: ${BLANK_ON_SUBMIT}` }
    }
    const pointer = `/items/${box.index}/${field}`
    if (box.field === 'confirm') {
      const warning = warnings[box.prefix] ?? 'the figure is unusual'
      return {
        pointer,
        ...where,
        detail: `${box.title}: check this figure — ${warning}. If it is right, send the item again with "confirmed": true`,
      }
    }
    if (box.blank) return { pointer, ...where, detail: `${box.title}: ${BLANK_ON_SUBMIT}` }
    return { pointer, ...where, detail: problem.message }
  })
}

/** The service's plausibility warnings (keyed by the boxes' prefix) as a list naming KPI and period. */
export function warningsInApiTerms(
  warnings: Readonly<Record<string, string>>,
  boxes: ReadonlyMap<string, ReturnBox>,
): { indicator: string; period: string; warning: string }[] {
  const byPrefix = new Map<string, ReturnBox>()
  for (const box of boxes.values()) byPrefix.set(box.prefix, box)
  return Object.entries(warnings).flatMap(([prefix, warning]) => {
    const box = byPrefix.get(prefix)
    return box ? [{ indicator: box.indicator, period: box.period, warning }] : []
  })
}
