import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { AccountService, ApiTokenPrincipal } from '../account-service.ts'
import { asMemberOf, type Membership, type User } from '../account-repository.ts'
import { can, PermissionDenied, type Action, type Resource } from '../permissions.ts'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The signed-in user, loaded from the database on this request; absent when nobody is signed in. */
      currentUser?: User
      /** For API routes behind `requireApiToken`: the agency the request's token acts for. */
      apiClient?: ApiTokenPrincipal
    }
  }
}

/** Paths a user who must first change their password may still use. */
const PASSWORD_CHANGE_PATHS = new Set(['/account/change-password', '/sign-out'])

/**
 * Loads the signed-in user from the database on every request (never from the session's copy), so that a
 * change of role or agency applies to the very next request and a disabled user is refused at once (ASVS
 * 8.3.2). A session whose user is gone or disabled is ended. A user holding a one-time password is sent to
 * change it before anything else.
 */
export function setUpAuthentication(accounts: AccountService): RequestHandler {
  return async (req, res, next) => {
    const userId = req.session?.userId
    if (typeof userId !== 'number') return next()
    const user = await accounts.currentUser(userId)
    if (!user) {
      accounts.log({ event: 'session-ended', reason: 'user disabled or removed', userId })
      req.session.destroy((error: unknown) => next(error))
      return
    }
    res.locals.currentUser = user
    if (user.mustChangePassword && !PASSWORD_CHANGE_PATHS.has(req.path)) {
      if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, '/account/change-password')
      res.status(403)
      return res.render('accounts/forbidden.njk', {
        pageTitle: 'Change your password first',
        reason: 'You must choose a new password before you can do anything else.',
      })
    }
    next()
  }
}

/**
 * In a partnership's pages: the signed-in person (loaded once for the request by `setUpAuthentication` at the
 * instance) becomes the person as this partnership sees them — their role and agency here — without reading them
 * again. Someone signed in who is not a member here finds nothing: the partnership's router is skipped (404, as if it
 * did not exist).
 */
export function enterPartnership(partnershipId: number): RequestHandler {
  return (_req, res, next) => {
    const person = res.locals.currentUser
    if (!person) return next()
    const member = asMemberOf(person, partnershipId)
    if (!member) return next('router')
    res.locals.currentUser = member
    next()
  }
}

/**
 * For the instance's own administration pages: only an instance administrator goes further; to anyone else (signed
 * in or not) the route does not exist (the rest of the router is skipped: 404).
 */
export function requireInstanceAdministrator(): RequestHandler {
  return (_req, res, next) => {
    if (res.locals.currentUser?.instanceAdministrator) return next()
    next('router')
  }
}

/**
 * The partnerships a person belongs to, by name, and which is current: the one they last visited if they belong to
 * it, else the first (the same rule as `partnershipOfRequest`). From the memberships loaded with the person: no query.
 */
export function yourPartnerships(
  user: User,
  lastVisited: number | undefined,
): { id: number; name: string; slug: string; role: Membership['role']; current: boolean }[] {
  const mine = [...user.memberships].sort((a, b) => (a.partnershipName < b.partnershipName ? -1 : 1))
  const current = mine.find((m) => m.partnershipId === lastVisited) ?? mine[0]
  return mine.map((m) => ({
    id: m.partnershipId,
    name: m.partnershipName,
    slug: m.partnershipSlug,
    role: user.instanceAdministrator ? 'administrator' : m.role,
    current: m === current,
  }))
}

/** The signed-in user, or undefined. */
export function currentUser(res: Response): User | undefined {
  return res.locals.currentUser
}

/**
 * The signed-in user as the account service's actor, on a route behind `requirePermission`. Throws when there is
 * none, which can only mean the route was mounted without its permission check.
 */
export function permittedActor(res: Response): { readonly user: User } {
  const user = res.locals.currentUser
  if (!user) throw new Error('requirePermission lets no anonymous request through')
  return { user }
}

/**
 * A local path to come back to after signing in: only `/something` on this site (never `//host` or
 * `/\host`, which browsers treat as another site), else `/`.
 *
 * @example safeReturnPath('//evil.example/') // '/'
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/'
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return '/'
  return value
}

function refuseAnonymous(req: Request, res: Response): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const returnTo = safeReturnPath(req.originalUrl)
    res.redirect(303, returnTo === '/' ? '/sign-in' : `/sign-in?returnTo=${encodeURIComponent(returnTo)}`)
    return
  }
  res.status(401)
  res.render('accounts/forbidden.njk', {
    pageTitle: 'Sign in to continue',
    reason: 'Your session has ended: sign in again.',
  })
}

/** Nobody may go further without signing in: GET is sent to the sign-in page, anything else gets 401. */
export function requireSignIn(): RequestHandler {
  return (req, res, next) => {
    if (!res.locals.currentUser) return refuseAnonymous(req, res)
    next()
  }
}

/** The page a refused action gets (403): the same words wherever it is refused. */
export function renderForbidden(res: Response): void {
  res.status(403)
  res.render('accounts/forbidden.njk', {
    pageTitle: 'You do not have access to this page',
    reason: 'Your account does not allow this. Ask your administrator if you need it.',
  })
}

/**
 * Runs a page whose service decides access per object (a return, an action, a service of a provider): an object that
 * does not exist for this person (`isNotFound` of what the service threw) is left to the next route, so a 404; a
 * refused action (`PermissionDenied`) is 403 and logged as a security event; anything else is an error.
 *
 * @example const handle = objectPageHandler(accounts, (e) => e instanceof ReturnNotFound)
 */
export function objectPageHandler(accounts: Pick<AccountService, 'log'>, isNotFound: (error: unknown) => boolean) {
  return (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        await handler(req, res)
      } catch (error) {
        if (isNotFound(error)) return next()
        if (error instanceof PermissionDenied) {
          const user = res.locals.currentUser
          accounts.log({
            event: 'authz-denied',
            ...(user ? { userId: user.id } : {}),
            action: error.action,
            method: req.method,
            path: req.baseUrl + req.path,
          })
          return renderForbidden(res)
        }
        throw error
      }
    }
}

/**
 * Lets the request through only when the permission policy allows the signed-in user this action on the
 * resource the request names (`resourceOf` reads it, e.g. the agency of the return in the URL). Refusals are
 * 403 and logged as security events.
 *
 * @example router.get('/admin/users', requirePermission(accounts, 'user:manage'), listUsers)
 */
export function requirePermission(
  accounts: Pick<AccountService, 'log'>,
  action: Action,
  resourceOf?: (req: Request) => Resource,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = res.locals.currentUser
    if (!user) return refuseAnonymous(req, res)
    if (can(user, action, resourceOf?.(req) ?? {})) return next()
    accounts.log({ event: 'authz-denied', userId: user.id, action, method: req.method, path: req.baseUrl + req.path })
    renderForbidden(res)
  }
}

/**
 * For a page that covers every agency's objects at once (the budget, Appendix A, the 360Giving export): someone who
 * holds `action` only for their own agency (a provider's data owner with 'budget:view') is told the page does not
 * exist (404, as for another agency's object: the next route answers); anyone else without it is refused (403).
 */
export function requireWholePartnershipPermission(
  accounts: Pick<AccountService, 'log'>,
  action: Action,
): RequestHandler[] {
  const hideFromOwnAgencyReaders: RequestHandler = (_req, res, next) => {
    const user = res.locals.currentUser
    if (user && !can(user, action) && can(user, action, { agencyId: user.agencyId })) return next('route')
    next()
  }
  return [hideFromOwnAgencyReaders, requirePermission(accounts, action)]
}

/**
 * For machine-to-machine API routes: the request must carry `Authorization: Bearer <token>` with a live API
 * token; `res.locals.apiClient` then names the agency it acts for (with a data owner's rights there: ask
 * `can(res.locals.apiClient.principal, action, resource)`). Anything else is 401. Cookies play no part.
 */
export function requireApiToken(accounts: Pick<AccountService, 'authenticateApiToken'>): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '')
    const client = match?.[1] ? await accounts.authenticateApiToken(match[1]) : null
    if (!client) {
      res.setHeader('WWW-Authenticate', 'Bearer')
      res.status(401).json({ error: 'A valid API token is required' })
      return
    }
    res.locals.apiClient = client
    next()
  }
}
