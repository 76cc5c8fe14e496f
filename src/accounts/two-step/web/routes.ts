import express, { type Request, type Response } from 'express'
import type { AccountService, FieldError } from '../../account-service.ts'
import type { User } from '../../account-repository.ts'
import { requireSignIn, safeReturnPath } from '../../web/authentication.ts'
import { errorView, formField, waitText } from '../../web/forms.ts'
import { redirectAfterSaving, regenerateSession, takeFlash } from '../../web/session.ts'
import type { Enrolment, SecondStepOutcome, TwoStepService } from '../two-step-service.ts'
import { qrCodeSvg } from './qr-code.ts'
import { dateInWords } from '../../../shared/time-in-words.ts'

declare module 'express-session' {
  interface SessionData {
    /**
     * Half signed in: the password was right, the second step is still to come. `userId` is NOT set meanwhile, so
     * every other page treats the session as nobody's. Lasts `PENDING_SIGN_IN_MINUTES` from the password.
     */
    twoStepPending?: PendingSignIn
    /** A secret being set up (sealed; only this user's context opens it), kept until a code from it is confirmed. */
    twoStepEnrolment?: { userId: number; sealedSecret: string; startedAt: string }
    /** When this session passed the second step (ISO): for step-up checks that want a recent one. */
    twoStepAt?: string
  }
}

export interface PendingSignIn {
  readonly userId: number
  readonly next: 'enter-code' | 'set-up'
  /** When the password was accepted (ISO). */
  readonly startedAt: string
  readonly returnTo: string
  /** The password's change time then: a password reset meanwhile voids the half sign-in. */
  readonly passwordChangedAt: string | null
}

/** How long the half-signed-in state lasts after the password. */
export const PENDING_SIGN_IN_MINUTES = 5
/** A secret being set up from the account page is offered again for this long (a reload shows the same QR code). */
const ENROLMENT_MINUTES = 15

const SIGN_IN_CODE_PATH = '/sign-in/two-step'
const SIGN_IN_RECOVERY_PATH = '/sign-in/recovery-code'
const SIGN_IN_SET_UP_PATH = '/sign-in/two-step/set-up'
const ACCOUNT_PATH = '/account/two-step'

/** The two forms of the second step at sign-in: a code from the authenticator app, or a recovery code instead. */
interface SecondStepForm {
  readonly path: string
  readonly template: string
  readonly title: string
  readonly recovery: boolean
}
const CODE_FORM: SecondStepForm = {
  path: SIGN_IN_CODE_PATH,
  template: 'accounts/two-step/code.njk',
  title: 'Enter the code from your authenticator app',
  recovery: false,
}
const RECOVERY_FORM: SecondStepForm = {
  path: SIGN_IN_RECOVERY_PATH,
  template: 'accounts/two-step/recovery-code.njk',
  title: 'Enter a recovery code',
  recovery: true,
}

export interface TwoStepRouteServices {
  readonly accounts: AccountService
  readonly twoStep: TwoStepService
}

/**
 * Called by the sign-in form once the password is right. When the user has two-step sign-in on, or the policy
 * says they must set it up first, the session is regenerated half signed in (no user yet) and the browser sent to
 * the second step; returns true. Otherwise returns false and the caller signs the user in as before.
 *
 * @example if (await continueToSecondStep(req, res, { twoStep, clock }, user, returnTo)) return
 */
export async function continueToSecondStep(
  req: Request,
  res: Response,
  services: { twoStep: TwoStepService; accounts: Pick<AccountService, 'clock' | 'log'> },
  user: User,
  returnTo: string,
): Promise<boolean> {
  const next = await services.twoStep.afterPassword(user)
  if (next === 'signed-in') return false
  const pending: PendingSignIn = {
    userId: user.id,
    next,
    startedAt: services.accounts.clock.now().toISOString(),
    returnTo: safeReturnPath(returnTo),
    passwordChangedAt: user.passwordChangedAt,
  }
  // A new session id for the half-signed-in state too: nothing planted before the password carries over.
  await regenerateSession(req, (session) => {
    session.twoStepPending = pending
  })
  services.accounts.log({ event: 'sign-in', outcome: 'second-step-needed', next, userId: user.id })
  res.redirect(303, next === 'enter-code' ? SIGN_IN_CODE_PATH : SIGN_IN_SET_UP_PATH)
  return true
}

/**
 * Two-step sign-in's pages: the second step at sign-in (a code, or a recovery code), setting it up at sign-in when
 * the policy requires it, and the account page where a signed-in user sets it up, makes new recovery codes or turns
 * it off. Every form posts back to its own address and works without JavaScript.
 */
export function twoStepRoutes(services: TwoStepRouteServices): express.Router {
  const { accounts, twoStep } = services
  const router = express.Router()
  const clock = accounts.clock

  type PendingState =
    | { readonly state: 'none' }
    | { readonly state: 'expired' }
    | { readonly state: 'ok'; readonly pending: PendingSignIn; readonly user: User }

  /** The half sign-in of this session, checked: in time, the user still enabled, the password unchanged. */
  async function pendingOf(req: Request, next: PendingSignIn['next']): Promise<PendingState> {
    const pending = req.session?.twoStepPending
    if (!pending || req.session.userId !== undefined) return { state: 'none' }
    const age = clock.now().getTime() - new Date(pending.startedAt).getTime()
    const user = await accounts.currentUser(pending.userId)
    if (
      !(age >= 0 && age <= PENDING_SIGN_IN_MINUTES * 60_000) ||
      !user ||
      user.passwordChangedAt !== pending.passwordChangedAt
    ) {
      delete req.session.twoStepPending
      delete req.session.twoStepEnrolment
      return { state: 'expired' }
    }
    if (pending.next !== next) return { state: 'none' }
    return { state: 'ok', pending, user }
  }

  /** No half sign-in (or one of the other kind), or one that ran out of time. */
  function refuse(res: Response, state: PendingState): void {
    if (state.state === 'expired') {
      res.status(401)
      return res.render('accounts/forbidden.njk', {
        pageTitle: 'Sign in again',
        reason: `More than ${PENDING_SIGN_IN_MINUTES} minutes passed since you typed your password, or your account changed. Sign in again.`,
      })
    }
    // Nothing to continue (never signed in, signed in already, or the session ended): start at the sign-in page.
    res.redirect(303, '/sign-in')
  }

  /** The second step passed: a new session id, now signed in. */
  async function completeSignIn(req: Request, pending: PendingSignIn, flash?: string): Promise<void> {
    const now = clock.now().toISOString()
    await regenerateSession(req, (session) => {
      session.userId = pending.userId
      session.signedInAt = now
      session.twoStepAt = now
      if (flash) session.flash = flash
    })
  }

  const afterSignIn = (user: User, pending: PendingSignIn) =>
    user.mustChangePassword ? '/account/change-password' : pending.returnTo

  const renderSecondStep = (
    form: SecondStepForm,
    req: Request,
    res: Response,
    status: number,
    errors: readonly FieldError[] = [],
  ) => {
    res.status(status)
    res.render(form.template, {
      pageTitle: errors.length > 0 ? `Error: ${form.title}` : form.title,
      csrfToken: req.csrfToken?.(),
      ...errorView(errors),
    })
  }

  /**
   * A page of the half sign-in: only for a session half signed in with `next` to do (see `refuse`). A page opened by
   * someone signed in already goes home instead; a form they post is refused like anyone else's.
   */
  const halfSignedIn =
    (
      next: PendingSignIn['next'],
      handler: (req: Request, res: Response, pending: PendingSignIn, user: User) => Promise<void> | void,
    ) =>
    async (req: Request, res: Response) => {
      if ((req.method === 'GET' || req.method === 'HEAD') && res.locals.currentUser) return res.redirect(303, '/')
      const state = await pendingOf(req, next)
      if (state.state !== 'ok') return refuse(res, state)
      await handler(req, res, state.pending, state.user)
    }

  /** A wrong, used or throttled code: the form again saying why, or (no longer set up) sign in again. */
  function refuseCode(
    form: SecondStepForm,
    req: Request,
    res: Response,
    outcome: Exclude<SecondStepOutcome, { outcome: 'accepted' }>,
  ): void {
    if (outcome.outcome === 'throttled') res.setHeader('Retry-After', String(outcome.retryAfterSeconds))
    if (outcome.outcome === 'refused' && outcome.reason === 'not-set-up') {
      delete req.session.twoStepPending
      return refuse(res, { state: 'expired' })
    }
    renderSecondStep(form, req, res, outcome.outcome === 'throttled' ? 429 : 401, [
      { field: 'code', message: refusalMessage(outcome, form.recovery) },
    ])
  }

  function refusalMessage(outcome: Exclude<SecondStepOutcome, { outcome: 'accepted' }>, recovery: boolean): string {
    if (outcome.outcome === 'throttled') {
      return `Too many wrong codes. Wait ${waitText(outcome.retryAfterSeconds)}, then try again`
    }
    switch (outcome.reason) {
      case 'reused-code':
        return 'That code has been used already: wait for the next code in your app and enter that one'
      case 'unreadable':
        return 'Your authenticator app’s key can no longer be read on this server: use a recovery code, or ask your administrator to reset your two-step sign-in'
      case 'not-set-up':
        return 'Two-step sign-in is no longer set up for your account: sign in again'
      case 'wrong-code':
        return recovery
          ? 'Enter a recovery code you have not used before, like k7q2-9xvd-m3tn-p8aw'
          : 'The code is not right: enter the newest code from your authenticator app'
    }
  }

  // The second step: a code from the authenticator app, or a recovery code instead.
  for (const form of [CODE_FORM, RECOVERY_FORM]) {
    router.get(
      form.path,
      halfSignedIn('enter-code', (req, res) => renderSecondStep(form, req, res, 200)),
    )
  }

  router.post(
    CODE_FORM.path,
    halfSignedIn('enter-code', async (req, res, pending, user) => {
      const code = formField(req.body, 'code').replace(/[\s-]/g, '')
      if (!code) {
        return renderSecondStep(CODE_FORM, req, res, 400, [
          { field: 'code', message: 'Enter the code from your authenticator app' },
        ])
      }
      if (!/^\d{6}$/.test(code)) {
        return renderSecondStep(CODE_FORM, req, res, 400, [
          { field: 'code', message: 'The code must be 6 digits, like 123456' },
        ])
      }
      const outcome = await twoStep.verifyCode(user.id, code, req.ip)
      if (outcome.outcome !== 'accepted') return refuseCode(CODE_FORM, req, res, outcome)
      await completeSignIn(req, pending)
      res.redirect(303, afterSignIn(user, pending))
    }),
  )

  router.post(
    RECOVERY_FORM.path,
    halfSignedIn('enter-code', async (req, res, pending, user) => {
      const code = formField(req.body, 'code')
      if (!code.trim()) {
        return renderSecondStep(RECOVERY_FORM, req, res, 400, [{ field: 'code', message: 'Enter a recovery code' }])
      }
      const outcome = await twoStep.verifyRecoveryCode(user.id, code, req.ip)
      if (outcome.outcome !== 'accepted') return refuseCode(RECOVERY_FORM, req, res, outcome)
      const left = outcome.recoveryCodesLeft ?? 0
      await completeSignIn(
        req,
        pending,
        `You signed in with a recovery code. You have ${left} left: if you have lost your phone, set up two-step sign-in again below.`,
      )
      // To the two-step page: someone using a recovery code has usually lost their phone.
      res.redirect(303, user.mustChangePassword ? '/account/change-password' : ACCOUNT_PATH)
    }),
  )

  /** The secret being set up for this user: the one in the session while it is fresh, else a new one. */
  function enrolmentFor(req: Request, user: User, lifetimeMinutes: number): Enrolment {
    const kept = req.session.twoStepEnrolment
    const fresh =
      kept &&
      kept.userId === user.id &&
      clock.now().getTime() - new Date(kept.startedAt).getTime() <= lifetimeMinutes * 60_000
    const reopened = fresh ? twoStep.enrolment(user, kept.sealedSecret) : null
    if (reopened) return reopened
    const enrolment = twoStep.newEnrolment(user)
    req.session.twoStepEnrolment = {
      userId: user.id,
      sealedSecret: enrolment.sealedSecret,
      startedAt: clock.now().toISOString(),
    }
    return enrolment
  }

  /** The secret this user was shown to set up, as kept in the session (sealed), or null. */
  function keptEnrolment(req: Request, user: User): Enrolment | null {
    const kept = req.session.twoStepEnrolment
    return kept && kept.userId === user.id ? twoStep.enrolment(user, kept.sealedSecret) : null
  }

  async function renderSetUp(
    req: Request,
    res: Response,
    status: number,
    values: {
      user: User
      enrolment: Enrolment
      action: string
      atSignIn: boolean
      errors?: readonly FieldError[]
      flash?: string | undefined
    },
  ): Promise<void> {
    const errors = values.errors ?? []
    const title = 'Set up two-step sign-in'
    res.status(status)
    res.render('accounts/two-step/set-up.njk', {
      pageTitle: errors.length > 0 ? `Error: ${title}` : title,
      csrfToken: values.atSignIn ? req.csrfToken?.() : res.locals.csrfToken,
      action: values.action,
      atSignIn: values.atSignIn,
      flash: values.flash,
      minutes: PENDING_SIGN_IN_MINUTES,
      required: twoStep.requiredFor(values.user),
      email: values.user.email,
      keyText: values.enrolment.keyText,
      qrCode: await qrCodeSvg(values.enrolment.uri, 'QR code to scan with your authenticator app'),
      ...errorView(errors),
    })
  }

  const renderRecoveryCodes = (
    res: Response,
    values: { recoveryCodes: readonly string[]; continueTo: string; justTurnedOn: boolean },
  ) => {
    res.status(200)
    res.render('accounts/two-step/recovery-codes.njk', { pageTitle: 'Save your recovery codes', ...values })
  }

  // Setting it up at sign-in, when the policy requires it and the user has not yet (before anything else).
  router.get(
    SIGN_IN_SET_UP_PATH,
    halfSignedIn('set-up', async (req, res, _pending, user) => {
      const enrolment = enrolmentFor(req, user, PENDING_SIGN_IN_MINUTES)
      await renderSetUp(req, res, 200, { user, enrolment, action: SIGN_IN_SET_UP_PATH, atSignIn: true })
    }),
  )

  router.post(
    SIGN_IN_SET_UP_PATH,
    halfSignedIn('set-up', async (req, res, pending, user) => {
      const enrolment = keptEnrolment(req, user)
      if (!enrolment) return res.redirect(303, SIGN_IN_SET_UP_PATH)
      const result = await twoStep.confirmEnrolment(user, enrolment.sealedSecret, formField(req.body, 'code'))
      if (!result.ok) {
        return renderSetUp(req, res, 400, {
          user,
          enrolment,
          action: SIGN_IN_SET_UP_PATH,
          atSignIn: true,
          errors: result.errors,
        })
      }
      // The code just confirmed is the second step: signed in now, under a new session id (no enrolment kept).
      await completeSignIn(req, pending)
      renderRecoveryCodes(res, {
        recoveryCodes: result.recoveryCodes,
        continueTo: afterSignIn(user, pending),
        justTurnedOn: true,
      })
    }),
  )

  // The account page: set it up, or (when on) new recovery codes and turning it off, both after the password.
  const renderManage = async (req: Request, res: Response, user: User, status: number, errors: FieldError[] = []) => {
    const current = await twoStep.status(user)
    res.status(status)
    res.render('accounts/two-step/manage.njk', {
      pageTitle: errors.length > 0 ? 'Error: Two-step sign-in' : 'Two-step sign-in',
      flash: takeFlash(req),
      twoStep: current,
      enabledOn: dateInWords(current.enabledAt),
      ...errorView(errors),
    })
  }
  /** The service's errors about "the password", shown at the box of the form it was typed in. */
  const atBox = (field: string, errors: readonly FieldError[]) => errors.map((e) => ({ ...e, field }))

  router.get(ACCOUNT_PATH, requireSignIn(), async (req, res) => {
    const user = res.locals.currentUser as User
    const status = await twoStep.status(user)
    if (status.enabled) return renderManage(req, res, user, 200)
    const enrolment = enrolmentFor(req, user, ENROLMENT_MINUTES)
    await renderSetUp(req, res, 200, { user, enrolment, action: ACCOUNT_PATH, atSignIn: false, flash: takeFlash(req) })
  })

  router.post(ACCOUNT_PATH, requireSignIn(), async (req, res) => {
    const user = res.locals.currentUser as User
    const enrolment = keptEnrolment(req, user)
    if (!enrolment) return redirectAfterSaving(req, res, ACCOUNT_PATH)
    const result = await twoStep.confirmEnrolment(user, enrolment.sealedSecret, formField(req.body, 'code'))
    if (!result.ok) {
      return renderSetUp(req, res, 400, {
        user,
        enrolment,
        action: ACCOUNT_PATH,
        atSignIn: false,
        errors: result.errors,
      })
    }
    delete req.session.twoStepEnrolment
    req.session.twoStepAt = clock.now().toISOString()
    renderRecoveryCodes(res, { recoveryCodes: result.recoveryCodes, continueTo: ACCOUNT_PATH, justTurnedOn: true })
  })

  router.post(`${ACCOUNT_PATH}/recovery-codes`, requireSignIn(), async (req, res) => {
    const user = res.locals.currentUser as User
    const result = await twoStep.newRecoveryCodes(user, formField(req.body, 'codesPassword'), req.ip)
    if (!result.ok) {
      return renderManage(req, res, user, 400, atBox('codesPassword', result.errors))
    }
    renderRecoveryCodes(res, { recoveryCodes: result.recoveryCodes, continueTo: ACCOUNT_PATH, justTurnedOn: false })
  })

  router.post(`${ACCOUNT_PATH}/turn-off`, requireSignIn(), async (req, res) => {
    const user = res.locals.currentUser as User
    const result = await twoStep.turnOff(user, formField(req.body, 'turnOffPassword'), req.ip)
    if (!result.ok) {
      return renderManage(req, res, user, 400, atBox('turnOffPassword', result.errors))
    }
    delete req.session.twoStepEnrolment
    req.session.flash = twoStep.requiredFor(user)
      ? 'Your old authenticator app no longer works here. Set up your new one now: you will need it at your next sign-in.'
      : 'Two-step sign-in is off. You sign in with your password alone.'
    await redirectAfterSaving(req, res, ACCOUNT_PATH)
  })

  return router
}
