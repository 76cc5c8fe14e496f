import session from 'express-session'
import type { Request, RequestHandler, Response } from 'express'
import type { Config } from '../../config.ts'
import type { AccountService } from '../account-service.ts'

/**
 * The session cookie's name. In production `__Host-` makes the browser refuse it unless it is Secure, has
 * Path=/ and no Domain, so no sibling site can plant or read it. In development over plain http a `__Host-`
 * cookie would be refused, so there it is an ordinary name without Secure (documented in README.md).
 */
export function sessionCookieName(production: boolean): string {
  return production ? '__Host-saferhub-session' : 'saferhub-session'
}

/**
 * express-session over the database store (sessions survive a restart and are shared by every server
 * process). The cookie is HttpOnly, SameSite=Lax, and Secure with the `__Host-` prefix in production; it
 * rolls forward on each request for the idle timeout, while the store enforces the idle and absolute
 * timeouts on the server. No session is created for a visitor until something is stored in it.
 *
 * In production behind a TLS-terminating proxy set TRUST_PROXY, so that Express sees the request as secure
 * and sends the Secure cookie at all.
 */
export function setUpWebSession(services: { accounts: AccountService; config: Config }): RequestHandler {
  const { accounts, config } = services
  const middleware = session({
    name: sessionCookieName(config.production),
    secret: config.sessionSecret,
    store: accounts.sessions,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      secure: config.production,
      sameSite: 'lax',
      path: '/',
      maxAge: accounts.idleTimeoutSeconds * 1000,
    },
  })
  // When the session cannot be read (the database unreachable or failing), express-session passes the error on but
  // keeps the cookie's session id with no session: with `unset: 'destroy'` it then deletes that session as the error
  // page ends, which signed people out whenever the database was back by then (a PostgreSQL restart), and otherwise
  // failed once more after the response and reset the connection. Forgetting the id leaves the session as it is.
  return (req, res, next) => {
    middleware(req, res, (error?: unknown) => {
      if (error !== undefined && req.session === undefined) delete (req as { sessionID?: string }).sessionID
      next(error)
    })
  }
}

/**
 * Gives the session a new id (the old one stops working, so nothing planted before carries over), lets `fill` store
 * what the new one carries, and saves it before going on.
 */
export function regenerateSession(req: Request, fill: (session: Request['session']) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error: unknown) => {
      if (error) return reject(error)
      fill(req.session)
      req.session.save((saveError: unknown) => (saveError ? reject(saveError) : resolve()))
    })
  })
}

/**
 * Saves the session before redirecting. express-session would save it as the response ends, but a browser
 * follows a redirect as soon as it has the headers, and the next page could be read before the save.
 */
export function redirectAfterSaving(req: Request, res: Response, location: string): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.save((error: unknown) => {
      if (error) return reject(error)
      // Inside a partnership's pages (`/p/<slug>/…`) a path of that partnership stays in it.
      res.redirect(303, location.startsWith('/admin/') ? `${req.baseUrl}${location}` : location)
      resolve()
    })
  })
}

/**
 * The one-off message ("Changes saved.") a form left in the session for the page it redirected to, taken out as it is
 * shown, so that a reload does not show it again.
 */
export function takeFlash(req: Request): string | undefined {
  const flash = req.session?.flash
  if (flash !== undefined) delete req.session.flash
  return flash
}
