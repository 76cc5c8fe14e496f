import express, { type Request, type Response } from 'express'
import type { Config } from '../../config.ts'
import type { AccountService, FieldError } from '../account-service.ts'
import { roleNames } from '../roles.ts'
import { requireSignIn, safeReturnPath, yourPartnerships } from './authentication.ts'
import { errorView, formField, waitText } from './forms.ts'
import { regenerateSession, sessionCookieName, takeFlash } from './session.ts'
import type { TwoStepService } from '../two-step/two-step-service.ts'
import { continueToSecondStep, twoStepRoutes } from '../two-step/web/routes.ts'

/** Regenerates the session (a new id: the old one stops working) and stores what the new one carries. */
function startFreshSession(req: Request, values: { userId: number; flash?: string }): Promise<void> {
  return regenerateSession(req, (session) => {
    session.userId = values.userId
    session.signedInAt = new Date().toISOString()
    if (values.flash) session.flash = values.flash
  })
}

/**
 * Signing in and out, the user's own account page and changing their password. Forms post back to the same
 * address; success redirects (POST-redirect-GET); every page works without JavaScript.
 */
export function accountRoutes(services: {
  accounts: AccountService
  config: Config
  twoStep: TwoStepService
}): express.Router {
  const { accounts, config, twoStep } = services
  const router = express.Router()

  const renderSignIn = (
    req: Request,
    res: Response,
    status: number,
    values: { email?: string; returnTo?: string; errors?: FieldError[]; notice?: string },
  ) => {
    const errors = values.errors ?? []
    res.status(status)
    res.render('accounts/sign-in.njk', {
      pageTitle: errors.length > 0 ? 'Error: Sign in' : 'Sign in',
      // The sign-in form is the one page for visitors not signed in that needs a token: asked for here only.
      csrfToken: req.csrfToken?.(),
      email: values.email ?? '',
      returnTo: safeReturnPath(values.returnTo),
      notice: values.notice,
      ...errorView(errors),
    })
  }

  router.get('/sign-in', (req, res) => {
    if (res.locals.currentUser) return res.redirect(303, '/')
    renderSignIn(req, res, 200, {
      returnTo: typeof req.query.returnTo === 'string' ? req.query.returnTo : '/',
      ...(req.query.signedOut === '1' ? { notice: 'You have signed out.' } : {}),
    })
  })

  router.post('/sign-in', async (req, res) => {
    const email = formField(req.body, 'email')
    const password = formField(req.body, 'password')
    const returnTo = safeReturnPath(formField(req.body, 'returnTo'))
    const missing: FieldError[] = []
    if (!email.trim()) missing.push({ field: 'email', message: 'Enter your email address' })
    if (!password) missing.push({ field: 'password', message: 'Enter your password' })
    if (missing.length > 0) return renderSignIn(req, res, 400, { email, returnTo, errors: missing })

    const result = await accounts.signIn({ email, password, source: req.ip })
    if (result.outcome === 'throttled') {
      res.setHeader('Retry-After', String(result.retryAfterSeconds))
      return renderSignIn(req, res, 429, {
        email,
        returnTo,
        errors: [
          {
            field: 'email',
            message: `Too many attempts to sign in. Wait ${waitText(result.retryAfterSeconds)}, then try again`,
          },
        ],
      })
    }
    if (result.outcome === 'refused') {
      // One message for every reason (unknown email, wrong password, disabled account): no account oracle.
      return renderSignIn(req, res, 401, {
        email,
        returnTo,
        errors: [{ field: 'email', message: 'Enter a correct email address and password' }],
      })
    }
    // Two-step sign-in: half signed in until the second step (src/accounts/two-step/web/routes.ts).
    if (await continueToSecondStep(req, res, { accounts, twoStep }, result.user, returnTo)) return
    // A new session id at sign-in: a session id planted before sign-in is worthless after it (ASVS 7.2.4).
    await startFreshSession(req, { userId: result.user.id })
    res.redirect(303, result.user.mustChangePassword ? '/account/change-password' : returnTo)
  })

  router.get('/sign-out', (_req, res) => {
    if (!res.locals.currentUser) return res.redirect(303, '/sign-in')
    res.render('accounts/sign-out.njk', { pageTitle: 'Sign out' })
  })

  router.post('/sign-out', async (req, res) => {
    const userId = req.session?.userId
    if (req.session) {
      await new Promise<void>((resolve, reject) =>
        req.session.destroy((error: unknown) => (error ? reject(error) : resolve())),
      )
    }
    if (typeof userId === 'number') await accounts.recordSignOut(userId, req.ip)
    res.clearCookie(sessionCookieName(config.production), {
      path: '/',
      httpOnly: true,
      secure: config.production,
      sameSite: 'lax',
    })
    res.redirect(303, '/sign-in?signedOut=1')
  })

  router.get('/account', requireSignIn(), (req, res) => {
    const user = res.locals.currentUser
    res.render('accounts/account.njk', {
      pageTitle: 'Your account',
      flash: takeFlash(req),
      user,
      roleName: user ? roleNames[user.role] : '',
      partnerships: user
        ? yourPartnerships(user, req.session.partnershipId).map((p) => ({ ...p, roleName: roleNames[p.role] }))
        : [],
    })
  })

  const renderChangePassword = (res: Response, status: number, errors: readonly FieldError[] = []) => {
    res.status(status)
    res.render('accounts/change-password.njk', {
      pageTitle: errors.length > 0 ? 'Error: Change your password' : 'Change your password',
      mustChange: res.locals.currentUser?.mustChangePassword ?? false,
      ...errorView(errors),
    })
  }

  router.get('/account/change-password', requireSignIn(), (_req, res) => renderChangePassword(res, 200))

  router.post('/account/change-password', requireSignIn(), async (req, res) => {
    const user = res.locals.currentUser
    if (!user) return
    const result = await accounts.changeOwnPassword(user.id, {
      currentPassword: formField(req.body, 'currentPassword'),
      newPassword: formField(req.body, 'newPassword'),
      confirmPassword: formField(req.body, 'confirmPassword'),
      source: req.ip,
    })
    if (!result.ok) return renderChangePassword(res, 400, result.errors)
    // Every session of the user was ended with the change; this browser carries on in a fresh one.
    await startFreshSession(req, { userId: user.id, flash: 'Your password has been changed.' })
    res.redirect(303, '/account')
  })

  // The second step at sign-in, and setting up two-step sign-in (src/accounts/two-step/web/routes.ts).
  router.use(twoStepRoutes({ accounts, twoStep }))

  return router
}
