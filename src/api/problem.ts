import type { Response } from 'express'

/** One problem with a field of a request body: `pointer` is a JSON Pointer (RFC 6901) to it, e.g. `/value`. */
export interface FieldProblem {
  readonly pointer: string
  readonly detail: string
}

export const PROBLEM_JSON = 'application/problem+json'

/**
 * Answers with an RFC 9457 problem document. `title` is fixed per status; `detail` says what went wrong with
 * this request, never an internal error message.
 */
export function sendProblem(
  res: Response,
  status: number,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
): void {
  res.status(status)
  res.type(PROBLEM_JSON)
  res.send(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }))
}
