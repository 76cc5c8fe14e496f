import express, { type Request, type RequestHandler } from 'express'
import { csrfSync } from 'csrf-sync'

/** Where a form puts the token: `<input type="hidden" name="_csrf" value="{{ csrfToken }}">`. */
export const CSRF_FIELD = '_csrf'

function tokenFromRequest(req: Request): string | undefined {
  const header = req.headers['x-csrf-token']
  if (typeof header === 'string') return header
  const body: unknown = req.body
  if (body && typeof body === 'object' && CSRF_FIELD in body) {
    const value = (body as Record<string, unknown>)[CSRF_FIELD]
    if (typeof value === 'string') return value
  }
  // A multipart form (a file upload) is parsed only by its own route, after this check: for those alone the
  // token may travel in the form's action URL (`action="/import?_csrf={{ csrfToken }}"`).
  if (req.is('multipart/form-data')) {
    const query = req.query[CSRF_FIELD]
    if (typeof query === 'string') return query
  }
  return undefined
}

/**
 * Whether the request is for the JSON API, matched as Express matches the API's `router.use('/api', …)` (case
 * ignored, `/api` itself or below it), so that the exemption reaches exactly the paths where the bearer token is
 * checked.
 */
function isApiPath(req: Request): boolean {
  return /^\/api(?:\/|$)/i.test(req.baseUrl + req.path)
}

/**
 * Cross-site request forgery protection (ASVS 3.5): a synchronizer token kept in the session (csrf-sync); every
 * POST, PUT, PATCH and DELETE without the right token is refused with 403. As a second line, a browser that says
 * the request comes from another site (`Sec-Fetch-Site: cross-site` or `same-site`) is refused whatever it sends.
 * Only requests to the JSON API (`/api`) that carry `Authorization: Bearer` are exempt: there the token, not the
 * cookie, authenticates (the API refuses a bad token with 401 whatever cookie comes with it), and a browser never adds
 * that header to a cross-site request on its own. On any other path the header authenticates nothing, so it must not
 * switch the check off for a cookie-authenticated form.
 *
 * Parses url-encoded form bodies (with limits) so that the token can be read. Puts the token in
 * `res.locals.csrfToken` for signed-in pages; a page for visitors not signed in (sign-in) asks for it itself
 * with `req.csrfToken()`, so that no session is made for every passing visitor.
 */
export function setUpCsrf(): express.Router {
  const router = express.Router()
  const { csrfSynchronisedProtection } = csrfSync({
    getTokenFromRequest: tokenFromRequest,
    skipCsrfProtection: (req) => isApiPath(req) && /^Bearer\s/i.test(req.headers.authorization ?? ''),
  })
  // Big enough for the largest form, a quarterly return: an agency owning 60 monthly KPIs sends 180 periods of up
  // to 8 boxes, and each commentary may hold 5,000 characters (up to three times that once url-encoded).
  router.use(express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 5000 }))
  const crossSite: RequestHandler = (req, res, next) => {
    const site = req.headers['sec-fetch-site']
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method)
    if (unsafe && (site === 'cross-site' || site === 'same-site')) {
      res.status(403)
      res.render('accounts/form-expired.njk', { pageTitle: 'Your form could not be sent' })
      return
    }
    next()
  }
  router.use(crossSite)
  router.use(csrfSynchronisedProtection)
  router.use(csrfErrorPage())
  router.use((req, res, next) => {
    if (req.session?.userId !== undefined && req.csrfToken) res.locals.csrfToken = req.csrfToken()
    next()
  })
  return router
}

/** Answers a refused CSRF token with a 403 page a person can act on; other errors pass on. */
export function csrfErrorPage(): express.ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EBADCSRFTOKEN') {
      res.status(403)
      res.render('accounts/form-expired.njk', { pageTitle: 'Your form could not be sent' })
      return
    }
    next(error)
  }
}
