import { randomUUID } from 'node:crypto'
import type { ErrorRequestHandler, RequestHandler } from 'express'
import type { Logger } from './logger.ts'

/** The 404 page, for every path no route answered. */
export function notFound(): RequestHandler {
  return (_req, res) => {
    res.status(404).render('pages/not-found.njk')
  }
}

/**
 * The last middleware: a generic page with a correlation id, never the error's message or stack (ASVS 16.5.1);
 * the stack goes to the log as one JSON line under the same id, so a user's report can be matched to it.
 * Client errors raised by Express itself (a malformed URL: 400) keep their status with a generic page.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const correlationId = randomUUID()
    const status =
      typeof error === 'object' &&
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
      method: req.method,
      path: req.path,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    })
    if (res.headersSent) {
      res.destroy()
      return
    }
    res.setHeader('Cache-Control', 'no-store')
    res.status(status)
    res.render('pages/error.njk', { correlationId }, (renderError, html) => {
      // If even the error page fails, say the same thing in plain text.
      if (renderError)
        res.type('text/plain').send(`Sorry, there is a problem with the service. Reference: ${correlationId}`)
      else res.send(html)
    })
  }
}
