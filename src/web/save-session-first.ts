import type { Request, RequestHandler } from 'express'

/**
 * The session's contents without its cookie (whose expiry rolls forward on every request), to see a change. Its own
 * fields but the cookie, copied, then written without a replacer: a replacer is a call back into JavaScript for every
 * key and value, twice on every page (2–3% of a dashboard view, CPU profile). A field named `cookie` deeper down now
 * counts, which can only make a page save a session it need not have.
 */
function contents(session: Request['session'] | undefined): string | null {
  if (session === undefined) return null
  const { cookie: _cookie, ...fields } = session as unknown as Record<string, unknown>
  return JSON.stringify(fields)
}

/**
 * A page is rendered only once the session it relies on is stored. express-session saves a changed session as the
 * response ends, after the page has gone out, so a save that failed (SQLite locked by another process, PostgreSQL
 * gone) went unnoticed: the sign-in page put its CSRF token in a session that was never stored, and the form then
 * failed with "Your form could not be sent" — a misleading answer to a busy database. Here a page whose session
 * changed saves it first; if that fails, the request fails with the database's own error page (503 or 507).
 * Pages whose session did not change (most) write nothing more than before.
 */
export function saveSessionBeforeRendering(): RequestHandler {
  return (req, res, next) => {
    const before = contents(req.session)
    const render = res.render.bind(res) as (...args: unknown[]) => void
    res.render = ((...args: unknown[]) => {
      const session = req.session as Request['session'] | undefined
      if (session === undefined || contents(session) === before) return render(...args)
      session.save((error: unknown) => (error ? next(error) : render(...args)))
    }) as typeof res.render
    next()
  }
}
