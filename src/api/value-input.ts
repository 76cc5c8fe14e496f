import { z } from 'zod'
import type { Indicator, IndicatorValue } from '../domain/indicator.ts'
import { readPerformanceImport } from '../performance/import/read-performance-import.ts'
import { VALUE_STATUSES, VALUE_TEXT_LIMITS } from '../performance/import/value-rows.ts'
import type { FieldProblem } from './problem.ts'

const figure = z.number().finite().nullable().optional()
const text = (max: number) => z.string().max(max).nullable().optional()

/**
 * The body of `PUT /api/indicators/{id}/values/{period}`: the figure only. Strict: any other field (an agency,
 * a version, the indicator) is refused with 400, so that nothing can be assigned that the URL and the token do
 * not say.
 */
export const valueBodySchema = z
  .object({
    status: z.enum(VALUE_STATUSES as unknown as [string, ...string[]]).optional(),
    value: figure,
    numerator: figure,
    denominator: figure,
    percent: figure,
    text: text(VALUE_TEXT_LIMITS.text),
    reason: text(VALUE_TEXT_LIMITS.reason),
    commentary: text(VALUE_TEXT_LIMITS.commentary),
  })
  .strict()

export type ValueBody = z.infer<typeof valueBodySchema>

const COLUMNS = ['status', 'value', 'numerator', 'denominator', 'percent', 'text', 'reason', 'commentary'] as const

function csvField(value: string): string {
  return `"${value.replace(/"/g, '""')}"`
}

/** Zod's issues as field problems with JSON Pointers (`/agencyId`, `/items/0/agency`). */
export function schemaProblems(
  error: z.ZodError,
  unknownFieldHint = 'only the figure may be sent (the agency comes from the token, the version from If-Match)',
): FieldProblem[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : []
    const at = issue.path.map((p) => `/${String(p)}`).join('')
    const pointer = keys.length > 0 ? keys.map((k) => `${at}/${k}`).join(', ') : at
    const detail =
      issue.code === 'unrecognized_keys'
        ? `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}: ${unknownFieldHint}`
        : issue.message
    return { pointer, detail }
  })
}

/**
 * Checks a figure sent to the API with the SAME rules as an import (src/performance/import/value-rows.ts): it
 * is written out as a one-row values table and read back by the import reader, so the API can never accept a
 * figure an import would refuse (negative counts, numerator above denominator, a figure beside a status, …).
 */
export async function readValueBody(
  indicator: Indicator,
  period: string,
  body: ValueBody,
): Promise<{ ok: true; value: IndicatorValue } | { ok: false; problems: FieldProblem[] }> {
  const cells = COLUMNS.map((column) => {
    const v = body[column]
    return v === undefined || v === null ? '' : csvField(String(v))
  })
  const csv = `indicator,period,${COLUMNS.join(',')}\r\n${[csvField(indicator.id), csvField(period), ...cells].join(',')}\r\n`
  const read = await readPerformanceImport([{ name: 'request', content: Buffer.from(csv, 'utf8') }], {
    indicators: new Map([[indicator.id, indicator]]),
  })
  if (read.problems.length > 0) {
    return {
      ok: false,
      problems: read.problems.map((p) => ({ pointer: p.column ? `/${p.column}` : '', detail: p.reason })),
    }
  }
  const [value] = read.values
  if (!value || read.values.length !== 1)
    return { ok: false, problems: [{ pointer: '', detail: 'no figure was read' }] }
  return { ok: true, value }
}
