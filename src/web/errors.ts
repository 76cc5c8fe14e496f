import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { ErrorRequestHandler, RequestHandler } from 'express'
import { sendProblem } from '../api/problem.ts'
import { databaseFailure, type DatabaseFailureKind } from '../db/database-errors.ts'
import type { Logger } from './logger.ts'

/** The 404 page, for every path no route answered. */
export function notFound(): RequestHandler {
  return (_req, res) => {
    res.status(404).render('pages/not-found.njk')
  }
}

// The change that failed was not saved, but a request may have saved something before it (a return, then the answer
// kept for its Idempotency-Key): honest advice rather than a promise.
const CHECK_SAVED = 'If you were saving a change, check whether it was saved before you send it again.'

/**
 * What a person is told when the database fails, by kind (src/db/database-errors.ts): the status, a heading and what
 * to do, and how many seconds to wait before trying again (`Retry-After`) where waiting helps. The texts say what
 * became of what was sent, because "a problem with the service" leaves someone who pressed Save not knowing.
 */
export const databaseProblems: Readonly<
  Record<
    DatabaseFailureKind,
    {
      readonly status: number
      readonly title: string
      readonly heading: string
      readonly paragraphs: readonly string[]
      readonly retryAfterSeconds: number | null
    }
  >
> = {
  busy: {
    status: 503,
    title: 'Service unavailable',
    heading: 'Sorry, the service is busy',
    paragraphs: [
      'Another task, such as a large import, is writing to the database, so this could not be done just now.',
      `Wait a minute, then try again. ${CHECK_SAVED}`,
    ],
    retryAfterSeconds: 5,
  },
  unreachable: {
    status: 503,
    title: 'Service unavailable',
    heading: 'Sorry, the service is unavailable',
    paragraphs: [
      'The database cannot be reached at the moment, so this could not be done.',
      `Try again in a few minutes. ${CHECK_SAVED}`,
    ],
    retryAfterSeconds: 10,
  },
  full: {
    status: 507,
    title: 'Insufficient storage',
    heading: 'Sorry, the service has run out of storage space',
    paragraphs: [
      'The disk that holds the database is full, so nothing more can be saved until space is freed.',
      `Tell the people who run this service. ${CHECK_SAVED}`,
    ],
    retryAfterSeconds: null,
  },
}

/** The JSON API's paths, as its router matches them (case ignored): errors there are problem documents. */
function isApiPath(path: string): boolean {
  return /^\/api(?:\/|$)/i.test(path)
}

/**
 * The last middleware. A database failure (busy, unreachable, disk full) gets its own status (503 with Retry-After,
 * or 507) and says so; anything else gets a generic page with a correlation id, never the error's message or stack
 * (ASVS 16.5.1). The stack goes to the log as one JSON line under the same id, so a user's report can be matched to
 * it. Client errors raised by Express itself (a malformed URL: 400) keep their status. Under `/api` every error is an
 * `application/problem+json` document, as the API's own are, whichever middleware it came from.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const correlationId = randomUUID()
    const failure = databaseFailure(error)
    const problem = failure === null ? null : databaseProblems[failure]
    const status =
      problem !== null
        ? problem.status
        : typeof error === 'object' &&
            error !== null &&
            'status' in error &&
            typeof error.status === 'number' &&
            error.status >= 400 &&
            error.status < 500
          ? error.status
          : 500
    logger.log(status >= 500 ? 'error' : 'warn', 'request failed', {
      correlationId,
      status,
      ...(failure === null ? {} : { databaseFailure: failure }),
      method: req.method,
      path: req.path,
      ...(res.headersSent ? { afterResponseStarted: true } : {}),
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    })
    if (res.headersSent) {
      res.destroy()
      return
    }
    res.setHeader('Cache-Control', 'no-store')
    if (problem?.retryAfterSeconds) res.setHeader('Retry-After', String(problem.retryAfterSeconds))
    if (isApiPath(req.originalUrl.split('?')[0] ?? '')) {
      const title = problem?.title ?? http.STATUS_CODES[status] ?? 'Error'
      const detail = problem?.paragraphs.join(' ') ?? 'Sorry, there is a problem with the service. Try again later.'
      sendProblem(res, status, title, detail, { correlationId })
      return
    }
    res.status(status)
    const [view, locals] =
      problem === null
        ? ['pages/error.njk', { correlationId }]
        : ['pages/database-problem.njk', { correlationId, heading: problem.heading, paragraphs: problem.paragraphs }]
    // Through app.render, not res.render: the error page must not wait for the session to be saved (see
    // save-session-first.ts), which may be what failed.
    req.app.render(view, { ...res.locals, ...locals }, (renderError: Error | null, html?: string) => {
      // If even the error page fails, say the same thing in plain text.
      if (renderError) {
        const text = problem === null ? 'Sorry, there is a problem with the service.' : problem.paragraphs.join(' ')
        res.type('text/plain').send(`${text} Reference: ${correlationId}`)
      } else res.send(html)
    })
  }
}
