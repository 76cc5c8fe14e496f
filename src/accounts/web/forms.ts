import type { NextFunction, Request, Response } from 'express'
import { NotFound, type FieldError } from '../account-service.ts'

/**
 * A text field of a url-encoded form body, or '' when absent. A field sent twice arrives as an array: that is
 * never a value a form of ours sends, so it is treated as empty rather than guessed at.
 */
export function formField(body: unknown, name: string): string {
  if (!body || typeof body !== 'object' || !Object.hasOwn(body, name)) return ''
  const value = (body as Record<string, unknown>)[name]
  return typeof value === 'string' ? value : ''
}

/** Errors in the shapes govuk-frontend wants: the error summary's list, and each field's message. */
export function errorView(errors: readonly FieldError[]): {
  errorList: { text: string; href: string }[]
  fieldErrors: Record<string, { text: string }>
} {
  const fieldErrors: Record<string, { text: string }> = {}
  for (const error of errors) fieldErrors[error.field] ??= { text: error.message }
  return {
    errorList: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
    fieldErrors,
  }
}

/** A route parameter that must be a positive whole number (an id), or null. */
export function idParameter(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,8}$/.test(value)) return null
  return Number(value)
}

/**
 * A route handler for a path whose `:id` names one object (a user, an agency): an id that is not a positive whole
 * number, or a `NotFound` thrown by the handler (no such object), goes on to the 404 page; any other error goes to the
 * error handler.
 */
export function withIdParameter(
  handler: (req: Request, res: Response, id: number) => Promise<void>,
): (req: Request, res: Response, next: NextFunction) => Promise<void> {
  return async (req, res, next) => {
    const id = idParameter(req.params.id)
    if (id === null) return next()
    try {
      await handler(req, res, id)
    } catch (error) {
      if (error instanceof NotFound) return next()
      throw error
    }
  }
}

/** A wait as a message says it: "45 seconds", "1 minute", "3 minutes" (a part minute counts as one). */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}
