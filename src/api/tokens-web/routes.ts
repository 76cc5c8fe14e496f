import express, { type NextFunction, type Request, type Response } from 'express'
import type { ApiToken } from '../../accounts/account-repository.ts'
import { NotFound, type AccountService, type FieldError } from '../../accounts/account-service.ts'
import { requirePermission } from '../../accounts/web/authentication.ts'
import { errorView, formField, idParameter } from '../../accounts/web/forms.ts'
import { redirectAfterSaving } from '../../accounts/web/session.ts'

declare module 'express-session' {
  interface SessionData {
    /** An API token just issued, kept only until the next page shows it once. */
    issuedApiToken?: { id: number; token: string }
    /** A one-off message for the API token list. */
    apiTokenFlash?: string
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

function status(token: ApiToken, now: string): string {
  if (token.revokedAt !== null) return 'Revoked'
  if (token.expiresAt !== null && token.expiresAt <= now) return 'Expired'
  return 'Active'
}

/**
 * API token administration for administrators ('api-token:manage'): issue a token for an agency (shown once,
 * only its hash is kept), list them, revoke one (at once; audited by the account service).
 */
export function apiTokenRoutes(accounts: AccountService): express.Router {
  const router = express.Router()
  router.use('/admin/api-tokens', requirePermission(accounts, 'api-token:manage'))

  const actor = (res: Response) => {
    const user = res.locals.currentUser
    if (!user) throw new Error('requirePermission lets no anonymous request through')
    return { user }
  }
  const wrap =
    (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
      handler(req, res).catch((error: unknown) => (error instanceof NotFound ? next() : next(error)))

  async function renderNew(
    res: Response,
    code: number,
    form: { agency: string; name: string; expires: string },
    errors: readonly FieldError[] = [],
  ) {
    const agencies = await accounts.listAgencies()
    res.status(code).render('api-tokens/new.njk', {
      pageTitle: errors.length ? 'Error: Issue an API token' : 'Issue an API token',
      form,
      agencyItems: [
        { value: '', text: 'Select an agency' },
        ...agencies.map((a) => ({
          value: String(a.id),
          text: `${a.name} (${a.code})`,
          selected: String(a.id) === form.agency,
        })),
      ],
      ...errorView(errors),
    })
  }

  router.get(
    '/admin/api-tokens',
    wrap(async (req, res) => {
      const [tokens, agencies] = await Promise.all([accounts.listApiTokens(actor(res)), accounts.listAgencies()])
      const now = new Date().toISOString()
      const flash = req.session.apiTokenFlash
      if (flash !== undefined) delete req.session.apiTokenFlash
      res.render('api-tokens/list.njk', {
        pageTitle: 'API tokens',
        flash,
        tokens: tokens.map((t) => ({
          ...t,
          agency: agencies.find((a) => a.id === t.agencyId)?.name ?? '',
          status: status(t, now),
        })),
      })
    }),
  )

  router.get(
    '/admin/api-tokens/new',
    wrap(async (_req, res) => renderNew(res, 200, { agency: '', name: '', expires: '' })),
  )

  router.post(
    '/admin/api-tokens',
    wrap(async (req, res) => {
      const form = {
        agency: formField(req.body, 'agency'),
        name: formField(req.body, 'name'),
        expires: formField(req.body, 'expires').trim(),
      }
      const errors: FieldError[] = []
      if (form.expires && !DATE.test(form.expires)) {
        errors.push({ field: 'expires', message: 'Enter the expiry date as YYYY-MM-DD, for example 2027-03-31' })
      }
      const agencyId = idParameter(form.agency)
      if (agencyId === null) errors.push({ field: 'agency', message: 'Select an agency from the list' })
      if (errors.length === 0 && agencyId !== null) {
        const result = await accounts.createApiToken(actor(res), {
          agencyId,
          name: form.name,
          expiresAt: form.expires ? `${form.expires}T00:00:00.000Z` : null,
        })
        if (result.ok) {
          req.session.issuedApiToken = { id: result.apiToken.id, token: result.token }
          return redirectAfterSaving(req, res, `/admin/api-tokens/${result.apiToken.id}/issued`)
        }
        errors.push(...result.errors)
      }
      await renderNew(res, 400, form, errors)
    }),
  )

  router.get(
    '/admin/api-tokens/:id/issued',
    wrap(async (req, res) => {
      const id = idParameter(req.params.id)
      const token = (await accounts.listApiTokens(actor(res))).find((t) => t.id === id)
      if (!token) throw new NotFound(`No API token ${String(req.params.id)}`)
      const issued = req.session.issuedApiToken
      // Shown once: taken out of the session as it is shown.
      if (issued) delete req.session.issuedApiToken
      res.render('api-tokens/issued.njk', {
        pageTitle: 'API token issued',
        token,
        secret: issued?.id === token.id ? issued.token : null,
      })
    }),
  )

  router.post(
    '/admin/api-tokens/:id/revoke',
    wrap(async (req, res) => {
      const id = idParameter(req.params.id)
      if (id === null) throw new NotFound('No such API token')
      const revoked = await accounts.revokeApiToken(actor(res), id)
      req.session.apiTokenFlash = `Token ${revoked.tokenPrefix}… (${revoked.name}) is revoked: it no longer works.`
      await redirectAfterSaving(req, res, '/admin/api-tokens')
    }),
  )
  return router
}
