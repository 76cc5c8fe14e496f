import express, { type Request, type Response } from 'express'
import { NotFound, type AccountService, type FieldError } from '../account-service.ts'
import type { Agency, User } from '../account-repository.ts'
import { roleDescriptions, roleNames, roles } from '../roles.ts'
import { permittedActor as actor, requirePermission } from './authentication.ts'
import { errorView, formField, idParameter, withIdParameter as withUser } from './forms.ts'
import { redirectAfterSaving, takeFlash } from './session.ts'
import type { TwoStepService } from '../two-step/two-step-service.ts'

interface UserForm {
  readonly name: string
  readonly email: string
  readonly role: string
  readonly agency: string
}

function agencyIdFrom(value: string): number | null {
  return idParameter(value)
}

function roleItems(selected: string) {
  return roles.map((role) => ({
    value: role,
    text: roleNames[role],
    hint: { text: roleDescriptions[role] },
    checked: role === selected,
  }))
}

function agencyItems(agencies: readonly Agency[], selected: string) {
  return [
    { value: '', text: 'None', selected: selected === '' },
    ...agencies.map((a) => ({
      value: String(a.id),
      text: `${a.name} (${a.code})`,
      selected: String(a.id) === selected,
    })),
  ]
}

function userRow(user: User) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: roleNames[user.role],
    agency: user.agency?.name ?? '',
    status: user.disabled ? 'Disabled' : user.mustChangePassword ? 'Must choose a password' : 'Active',
  }
}

/**
 * Minimal user administration for administrators: list, add (with a one-time password shown once), change
 * name, role and agency, disable and enable, issue a new one-time password. Every route asks the permission
 * policy (`user:manage`); the service asks again, against the user loaded on this request.
 */
export function userAdministrationRoutes(
  accounts: AccountService,
  /** Two-step sign-in: its status on the user page and the administrator's reset (src/accounts/two-step/). */
  twoStep?: Pick<TwoStepService, 'status' | 'reset'>,
): express.Router {
  const router = express.Router()
  router.use('/admin/users', requirePermission(accounts, 'user:manage'))

  router.get('/admin/users', async (req, res) => {
    const users = await accounts.listUsers(actor(res))
    res.render('accounts/users.njk', { pageTitle: 'Users', flash: takeFlash(req), users: users.map(userRow) })
  })

  const renderNewUser = async (res: Response, status: number, form: UserForm, errors: readonly FieldError[] = []) => {
    const agencies = await accounts.listAgencies()
    res.status(status)
    res.render('accounts/user-new.njk', {
      pageTitle: errors.length > 0 ? 'Error: Add a user' : 'Add a user',
      form,
      roleItems: roleItems(form.role),
      agencyItems: agencyItems(agencies, form.agency),
      ...errorView(errors),
    })
  }

  router.get('/admin/users/new', async (_req, res) => {
    await renderNewUser(res, 200, { name: '', email: '', role: '', agency: '' })
  })

  router.post('/admin/users', async (req, res) => {
    const form: UserForm = {
      name: formField(req.body, 'name'),
      email: formField(req.body, 'email'),
      role: formField(req.body, 'role'),
      agency: formField(req.body, 'agency'),
    }
    const result = await accounts.addUser(actor(res), {
      name: form.name,
      email: form.email,
      role: form.role,
      agencyId: agencyIdFrom(form.agency),
    })
    if (!result.ok) return renderNewUser(res, 400, form, result.errors)
    if (result.oneTimePassword === null) {
      req.session.flash = `${result.user.name} already had an account: they are now a member here, and sign in as before.`
      return redirectAfterSaving(req, res, `/admin/users/${result.user.id}`)
    }
    req.session.oneTimePassword = { userId: result.user.id, password: result.oneTimePassword }
    await redirectAfterSaving(req, res, `/admin/users/${result.user.id}/one-time-password`)
  })

  router.get(
    '/admin/users/:id/one-time-password',
    withUser(async (req, res, userId) => {
      const user = await accounts.findUser(actor(res), userId)
      if (!user) throw new NotFound(`No user ${userId}`)
      const issued = req.session.oneTimePassword
      // Shown once: taken out of the session as it is shown.
      const password = issued?.userId === userId ? issued.password : null
      if (issued) delete req.session.oneTimePassword
      res.render('accounts/one-time-password.njk', { pageTitle: 'One-time password', user: userRow(user), password })
    }),
  )

  const renderUser = async (
    req: Request,
    res: Response,
    status: number,
    user: User,
    form: Omit<UserForm, 'email'>,
    errors: readonly FieldError[] = [],
  ) => {
    const agencies = await accounts.listAgencies()
    res.status(status)
    res.render('accounts/user.njk', {
      pageTitle: errors.length > 0 ? `Error: ${user.name}` : user.name,
      flash: takeFlash(req),
      user: { ...userRow(user), disabled: user.disabled, isSelf: user.id === res.locals.currentUser?.id },
      twoStep: twoStep ? await twoStep.status(user) : null,
      form,
      roleItems: roleItems(form.role),
      agencyItems: agencyItems(agencies, form.agency),
      ...errorView(errors),
    })
  }

  const formOf = (user: User) => ({
    name: user.name,
    role: user.role,
    agency: user.agencyId === null ? '' : String(user.agencyId),
  })

  router.get(
    '/admin/users/:id',
    withUser(async (req, res, userId) => {
      const user = await accounts.findUser(actor(res), userId)
      if (!user) throw new NotFound(`No user ${userId}`)
      await renderUser(req, res, 200, user, formOf(user))
    }),
  )

  router.post(
    '/admin/users/:id',
    withUser(async (req, res, userId) => {
      const form = {
        name: formField(req.body, 'name'),
        role: formField(req.body, 'role'),
        agency: formField(req.body, 'agency'),
      }
      const result = await accounts.updateUser(actor(res), userId, {
        name: form.name,
        role: form.role,
        agencyId: agencyIdFrom(form.agency),
      })
      if (!result.ok) {
        const user = await accounts.findUser(actor(res), userId)
        if (!user) throw new NotFound(`No user ${userId}`)
        return renderUser(req, res, 400, user, form, result.errors)
      }
      req.session.flash = 'Changes saved. They apply from the user’s next request.'
      await redirectAfterSaving(req, res, `/admin/users/${userId}`)
    }),
  )

  for (const [path, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    router.post(
      `/admin/users/:id/${path}`,
      withUser(async (req, res, userId) => {
        const result = await accounts.setUserDisabled(actor(res), userId, disabled)
        if (!result.ok) {
          const user = await accounts.findUser(actor(res), userId)
          if (!user) throw new NotFound(`No user ${userId}`)
          return renderUser(req, res, 400, user, formOf(user), result.errors)
        }
        req.session.flash = disabled
          ? 'The account is disabled and every session of it has ended.'
          : 'The account is enabled again.'
        await redirectAfterSaving(req, res, `/admin/users/${userId}`)
      }),
    )
  }

  router.post(
    '/admin/users/:id/reset-password',
    withUser(async (req, res, userId) => {
      if (userId === res.locals.currentUser?.id) {
        // Resetting one's own would end this very session; one's own password is changed on the account page.
        return res.redirect(303, '/account/change-password')
      }
      const { user, oneTimePassword } = await accounts.resetPassword(actor(res), userId)
      req.session.oneTimePassword = { userId: user.id, password: oneTimePassword }
      await redirectAfterSaving(req, res, `/admin/users/${user.id}/one-time-password`)
    }),
  )

  if (twoStep) {
    router.post(
      '/admin/users/:id/reset-two-step',
      withUser(async (req, res, userId) => {
        // One's own is turned off on one's own two-step page (after the password again), not here.
        if (userId === res.locals.currentUser?.id) return res.redirect(303, '/account/two-step')
        // Two-step sign-in is the instance's (one per person), but this partnership's administrator may reset it only
        // for a person of this partnership: anyone else does not exist here (404, nothing reset).
        if (!(await accounts.findUser(actor(res), userId))) throw new NotFound(`No user ${userId}`)
        const { wasOn } = await twoStep.reset(actor(res), userId)
        req.session.flash = wasOn
          ? 'Two-step sign-in is reset and every session of the account has ended. Where it is required, the user sets it up again when they next sign in.'
          : 'Two-step sign-in was not set up for this account. Every session of the account has ended.'
        await redirectAfterSaving(req, res, `/admin/users/${userId}`)
      }),
    )
  }

  return router
}
