import express, { type Request, type Response } from 'express'
import type { Indicator } from '../../domain/indicator.ts'
import { NotFound, type AccountService, type FieldError } from '../account-service.ts'
import type { AgencyCounts, AgencyWithOwnerNames } from '../account-repository.ts'
import { kpiOwnership, ownerNameLines, type KpiOwnership } from '../data-owner-names.ts'
import { can } from '../permissions.ts'
import { roleNames } from '../roles.ts'
import { permittedActor as actor, requirePermission } from './authentication.ts'
import { errorView, formField, idParameter, withIdParameter as withAgency } from './forms.ts'
import { redirectAfterSaving, takeFlash } from './session.ts'

/** What the agencies pages need besides accounts: the framework's KPIs, to show which agency owns which. */
export interface AgencyRoutesDependencies {
  readonly accounts: AccountService
  readonly indicators: { listIndicators(): Promise<Indicator[]> }
}

interface AgencyForm {
  readonly name: string
  /** The text area's value as typed: one owner name a line. */
  readonly ownerNames: string
}

const NO_COUNTS: AgencyCounts = { activeUsers: 0, liveApiTokens: 0 }

function kpiRow(indicator: Indicator) {
  return { id: indicator.id, name: indicator.name, dataOwner: indicator.dataOwner, cadence: indicator.cadence }
}

/** KPIs that match no agency, grouped by their owner text as written (what an administrator would add). */
function unmatchedRows(ownership: KpiOwnership) {
  const byOwner = new Map<string, Indicator[]>()
  for (const indicator of ownership.unmatched) {
    const owner = indicator.dataOwner.trim()
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), indicator])
  }
  return [...byOwner].map(([owner, indicators]) => ({ owner, kpis: indicators.map(kpiRow) }))
}

/**
 * The partner agencies (`/admin/agencies`): every agency with the KPIs it owns, its active users and live API
 * tokens, and the KPIs whose Owner matches no agency; an agency's page with its KPIs and the names it goes by in the
 * framework's Owner column. Administrators and partnership analysts see them ('agency:view'); administrators add
 * agencies, link an agency another partnership of the instance already works with (`/admin/agencies/link`), and
 * change an agency's name and owner names ('agency:manage'). The code never changes: imports, URLs of
 * returns and the API use it. Every change is audited by the account service, which asks the policy again.
 */
export function agencyAdministrationRoutes(deps: AgencyRoutesDependencies): express.Router {
  const { accounts } = deps
  const router = express.Router()
  router.use('/admin/agencies', requirePermission(accounts, 'agency:view'))
  const manage = requirePermission(accounts, 'agency:manage')

  async function overview(res: Response) {
    const [agencies, counts, indicators] = await Promise.all([
      accounts.listAgencies(),
      accounts.agencyCounts(actor(res)),
      deps.indicators.listIndicators(),
    ])
    return { agencies, counts, indicators, ownership: kpiOwnership(indicators, agencies) }
  }

  router.get('/admin/agencies', async (req, res) => {
    const { agencies, counts, indicators, ownership } = await overview(res)
    res.render('accounts/agencies.njk', {
      pageTitle: 'Agencies',
      flash: takeFlash(req),
      canManage: can(res.locals.currentUser, 'agency:manage'),
      kpiCount: indicators.length,
      unmatchedCount: ownership.unmatched.length,
      unmatched: unmatchedRows(ownership),
      agencies: agencies.map((a) => ({
        id: a.id,
        code: a.code,
        name: a.name,
        ownerNames: a.ownerNames,
        kpis: ownership.byAgency.get(a.id)?.length ?? 0,
        ...(counts.get(a.id) ?? NO_COUNTS),
      })),
    })
  })

  const renderNew = (res: Response, status: number, form: AgencyForm & { code: string }, errors: FieldError[] = []) => {
    res.status(status)
    res.render('accounts/agency-new.njk', {
      pageTitle: errors.length > 0 ? 'Error: Add an agency' : 'Add an agency',
      form,
      ...errorView(errors),
    })
  }

  router.get('/admin/agencies/new', manage, (_req, res) => {
    renderNew(res, 200, { code: '', name: '', ownerNames: '' })
  })

  router.post('/admin/agencies', manage, async (req, res) => {
    const form = {
      code: formField(req.body, 'code'),
      name: formField(req.body, 'name'),
      ownerNames: formField(req.body, 'ownerNames'),
    }
    const result = await accounts.addAgency(actor(res), {
      code: form.code,
      name: form.name,
      ownerNames: ownerNameLines(form.ownerNames),
    })
    if (!result.ok) return renderNew(res, 400, form, [...result.errors])
    req.session.flash = `${result.agency.name} (${result.agency.code}) has been added.`
    await redirectAfterSaving(req, res, `/admin/agencies/${result.agency.id}`)
  })

  const renderLink = async (res: Response, status: number, chosen: string, errors: readonly FieldError[] = []) => {
    const agencies = await accounts.linkableAgencies(actor(res))
    res.status(status)
    res.render('accounts/agency-link.njk', {
      pageTitle: errors.length > 0 ? 'Error: Link an agency' : 'Link an agency',
      agencies,
      items: agencies.map((a) => ({
        value: String(a.id),
        text: `${a.name} (${a.code})`,
        checked: String(a.id) === chosen,
        ...(a.ownerNames.length > 0 ? { hint: { text: `Also named: ${a.ownerNames.join('; ')}` } } : {}),
      })),
      ...errorView(errors),
    })
  }

  // Before `/admin/agencies/:id`, which would otherwise take "link" for an id (and answer 404).
  router.get('/admin/agencies/link', manage, async (_req, res) => {
    await renderLink(res, 200, '')
  })

  router.post('/admin/agencies/link', manage, async (req, res) => {
    const chosen = formField(req.body, 'agency')
    const agencyId = idParameter(chosen)
    const result =
      agencyId === null
        ? { ok: false as const, errors: [{ field: 'agency', message: 'Select the agency to link' }] }
        : await accounts.linkAgency(actor(res), agencyId)
    if (!result.ok) return renderLink(res, 400, chosen, result.errors)
    req.session.flash = result.linked
      ? `${result.agency.name} (${result.agency.code}) now works with ${String(res.locals.partnershipName)}.`
      : `${result.agency.name} (${result.agency.code}) already works with ${String(res.locals.partnershipName)}.`
    await redirectAfterSaving(req, res, `/admin/agencies/${result.agency.id}`)
  })

  const renderAgency = async (
    req: Request,
    res: Response,
    status: number,
    agencyId: number,
    form: AgencyForm | null,
    errors: readonly FieldError[] = [],
  ) => {
    const { agencies, counts, ownership } = await overview(res)
    const agency = agencies.find((a) => a.id === agencyId)
    if (!agency) throw new NotFound(`No agency ${agencyId}`)
    const user = res.locals.currentUser
    const users = can(user, 'user:manage')
      ? (await accounts.listUsers(actor(res))).filter((u) => u.agencyId === agencyId)
      : null
    res.status(status)
    res.render('accounts/agency.njk', {
      pageTitle: errors.length > 0 ? `Error: ${agency.name}` : agency.name,
      flash: takeFlash(req),
      canManage: can(user, 'agency:manage'),
      canManageTokens: can(user, 'api-token:manage'),
      agency: { id: agency.id, code: agency.code, name: agency.name, ownerNames: agency.ownerNames },
      counts: counts.get(agencyId) ?? NO_COUNTS,
      owned: (ownership.byAgency.get(agencyId) ?? []).map((o) => ({ ...kpiRow(o.indicator), matchedBy: o.matchedBy })),
      unmatched: unmatchedRows(ownership),
      users: users?.map((u) => ({
        id: u.id,
        name: u.name,
        email: u.email,
        role: roleNames[u.role],
        status: u.disabled ? 'Disabled' : 'Active',
      })),
      form: form ?? formOf(agency),
      ...errorView(errors),
    })
  }

  const formOf = (agency: AgencyWithOwnerNames): AgencyForm => ({
    name: agency.name,
    ownerNames: agency.ownerNames.join('\n'),
  })

  router.get(
    '/admin/agencies/:id',
    withAgency(async (req, res, agencyId) => {
      await renderAgency(req, res, 200, agencyId, null)
    }),
  )

  router.post(
    '/admin/agencies/:id',
    manage,
    withAgency(async (req, res, agencyId) => {
      const form = { name: formField(req.body, 'name'), ownerNames: formField(req.body, 'ownerNames') }
      const result = await accounts.updateAgency(actor(res), agencyId, {
        name: form.name,
        ownerNames: ownerNameLines(form.ownerNames),
      })
      if (!result.ok) return renderAgency(req, res, 400, agencyId, form, result.errors)
      req.session.flash = result.changed
        ? 'Changes saved. The KPIs this agency owns follow its names from now on.'
        : 'Nothing was changed.'
      await redirectAfterSaving(req, res, `/admin/agencies/${agencyId}`)
    }),
  )

  // Removing an agency from the partnership: a page that names what would go with it, and asks to confirm that.
  const renderRemoval = async (res: Response, status: number, agencyId: number, error: string | null) => {
    const agency = (await accounts.listAgencies()).find((a) => a.id === agencyId)
    if (!agency) throw new NotFound(`No agency ${agencyId}`)
    const { described } = await accounts.agencyHoldings(actor(res), agencyId)
    res.status(status).render('accounts/agency-remove.njk', {
      pageTitle: `${error ? 'Error: ' : ''}Remove ${agency.name}`,
      agency: { id: agency.id, code: agency.code, name: agency.name },
      described,
      error,
    })
  }

  router.get(
    '/admin/agencies/:id/remove',
    manage,
    withAgency(async (_req, res, agencyId) => renderRemoval(res, 200, agencyId, null)),
  )

  router.post(
    '/admin/agencies/:id/remove',
    manage,
    withAgency(async (req, res, agencyId) => {
      const confirmed = formField(req.body, 'confirm') === 'yes'
      const result = await accounts.removeAgency(actor(res), agencyId, { deleteHoldings: confirmed })
      if (result.outcome === 'needs-confirmation')
        return renderRemoval(res, 400, agencyId, 'Confirm that what it holds here is deleted with it')
      req.session.flash = result.deleted
        ? `${result.name} (${result.code}) was removed and deleted: no other partnership worked with it.`
        : `${result.name} (${result.code}) no longer works with ${String(res.locals.partnershipName)}.`
      await redirectAfterSaving(req, res, '/admin/agencies')
    }),
  )

  return router
}
