import express, { type Request, type Response } from 'express'
import type { PartnershipService } from '../partnership-service.ts'
import { requireSignIn } from '../../accounts/web/authentication.ts'
import { redirectAfterSaving, takeFlash } from '../../accounts/web/session.ts'
import { twoStepPolicies } from '../../config.ts'
import type { Partnership } from '../partnership.ts'
import type { FieldProblem } from '../partnership-service.ts'

/** Only an instance administrator manages the instance's partnerships; anyone else finds no such page. */
function requireInstanceAdministrator(): express.RequestHandler {
  return (_req, res, next) => {
    if (res.locals.currentUser?.instanceAdministrator && !res.locals.currentUser.disabled) return next()
    next('router')
  }
}

function row(partnership: Partnership, ons: { forceName: string; districtCodes: readonly string[] } | null) {
  return {
    id: partnership.id,
    name: partnership.name,
    slug: partnership.slug,
    href: `/p/${partnership.slug}/dashboard`,
    code: partnership.onsCode ?? 'none',
    nation: partnership.nation === 'wales' ? 'Wales' : 'England',
    force: ons?.forceName ?? (partnership.onsCode ? 'not in the ONS lookup' : '—'),
    districts: ons?.districtCodes.length ?? 0,
    disclosureMinimum: partnership.settings.disclosureMinimum ?? 'instance setting',
    returnsDueDays: partnership.settings.returnsDueDays ?? 'instance setting',
    twoStepPolicy: partnership.settings.twoStepPolicy ?? 'instance setting',
  }
}

function wholeOrNull(text: unknown): number | null | undefined {
  if (typeof text !== 'string') return undefined
  if (text.trim() === '') return null
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
}

/**
 * The instance's partnerships (`/admin/partnerships`, instance administrators only): each with its ONS code, force,
 * districts and settings; adding one, renaming one and changing its settings. Every change is audited by the
 * partnership service. A partnership administrator manages their own partnership's people and agencies at
 * `/p/<slug>/admin/…` instead.
 */
/** What the partnerships pages use: the instance's partnership service. */
export interface PartnershipWebServices {
  readonly partnerships: PartnershipService
}

export function partnershipAdministrationRoutes(services: PartnershipWebServices): express.Router {
  const { partnerships } = services
  const router = express.Router()
  router.use('/admin/partnerships', requireSignIn(), requireInstanceAdministrator())

  async function list(req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) {
    const all = await partnerships.list()
    res.status(status).render('partnerships/partnerships.njk', {
      pageTitle: 'Partnerships',
      flash: takeFlash(req),
      partnerships: all.map((p) => row(p, partnerships.onsDetails(p))),
      twoStepPolicies,
      values: {},
      ...extra,
    })
  }

  router.get('/admin/partnerships', (req, res) => list(req, res))

  router.post('/admin/partnerships', async (req, res) => {
    const body = req.body as Record<string, unknown>
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '')
    const actor = res.locals.currentUser?.email ?? 'unknown'
    const disclosureMinimum = wholeOrNull(body.disclosureMinimum)
    const returnsDueDays = wholeOrNull(body.returnsDueDays)
    const result = await partnerships.add(actor, {
      name: text('name'),
      code: text('code') || null,
      slug: text('slug') || null,
      settings: {
        disclosureMinimum: disclosureMinimum ?? null,
        returnsDueDays: returnsDueDays ?? null,
        twoStepPolicy: (text('twoStepPolicy') || null) as Partnership['settings']['twoStepPolicy'],
      },
    })
    if (!result.ok) {
      return list(req, res, 400, {
        errors: result.problems.map((p) => ({ text: p.message, href: `#${p.field}` })),
        values: body,
      })
    }
    req.session.flash = `${result.value.name} was added at /p/${result.value.slug}/.`
    await redirectAfterSaving(req, res, '/admin/partnerships')
  })

  router.post('/admin/partnerships/:id', async (req, res, next) => {
    const id = Number(req.params.id)
    if (!Number.isInteger(id)) return next()
    const body = req.body as Record<string, unknown>
    const actor = res.locals.currentUser?.email ?? 'unknown'
    const before = await partnerships.find(id)
    if (!before) return next()
    const renamed =
      typeof body.name === 'string' && body.name.trim() !== before.name
        ? await partnerships.rename(actor, id, body.name)
        : null
    if (renamed && !renamed.ok) {
      return list(req, res, 400, {
        errors: renamed.problems.map((p) => ({ text: p.message, href: `#${p.field}-${id}` })),
      })
    }
    const settings = await partnerships.updateSettings(actor, id, {
      ...(wholeOrNull(body.disclosureMinimum) !== undefined
        ? { disclosureMinimum: wholeOrNull(body.disclosureMinimum) }
        : {}),
      ...(wholeOrNull(body.returnsDueDays) !== undefined ? { returnsDueDays: wholeOrNull(body.returnsDueDays) } : {}),
      ...(typeof body.twoStepPolicy === 'string'
        ? { twoStepPolicy: (body.twoStepPolicy || null) as Partnership['settings']['twoStepPolicy'] }
        : {}),
      ...(typeof body.code === 'string' ? { onsCode: body.code.trim() || null } : {}),
    })
    if (!settings.ok) {
      return list(req, res, 400, {
        errors: settings.problems.map((p) => ({ text: p.message, href: `#${p.field}-${id}` })),
      })
    }
    req.session.flash = `${settings.value.name}: changes saved.`
    await redirectAfterSaving(req, res, '/admin/partnerships')
  })
  return router
}

/**
 * The instance's home page when no partnership is implied (several partnerships, nobody signed in): the
 * partnerships that have published a report, each linking to its public report.
 */
export function instanceHomeRoutes(services: PartnershipWebServices): express.Router {
  const router = express.Router()

  /**
   * The first run on the web: an instance with no partnership shows its administrator the form that makes theirs
   * (the same as `saferhub init`, with the administrator already signed in), and nothing of the demo's.
   */
  const renderSetup = (res: Response, status: number, values: Record<string, unknown>, problems: FieldProblem[]) => {
    res.status(status).render('partnerships/setup.njk', {
      pageTitle: problems.length > 0 ? 'Error: Set up your partnership' : 'Set up your partnership',
      values,
      errors: problems.length > 0 ? problems.map((p) => ({ text: p.message, href: `#${p.field}` })) : null,
      fieldErrors: Object.fromEntries(problems.map((p) => [p.field, { text: p.message }])),
    })
  }
  router.get('/setup', requireSignIn(), requireInstanceAdministrator(), (_req, res) => renderSetup(res, 200, {}, []))
  router.post('/setup', requireSignIn(), requireInstanceAdministrator(), async (req, res) => {
    const body = req.body as Record<string, unknown>
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '')
    const values = { name: text('name'), slug: text('slug'), code: text('code') }
    const result = await services.partnerships.add(res.locals.currentUser?.email ?? 'unknown', {
      name: values.name,
      slug: values.slug || null,
      code: values.code || null,
    })
    if (!result.ok) return renderSetup(res, 400, values, result.problems)
    req.session.partnershipId = result.value.id
    req.session.importFlash =
      `${result.value.name} is set up at /p/${result.value.slug}/. Next: download the template workbook below, ` +
      'fill in your KPIs, baselines and figures, and upload it.'
    await redirectAfterSaving(req, res, `/p/${result.value.slug}/imports`)
  })

  router.get('/', async (_req, res) => {
    const [all, published] = await Promise.all([services.partnerships.list(), services.partnerships.withPublications()])
    const user = res.locals.currentUser
    if (all.length === 0 && user?.instanceAdministrator && !user.disabled) return renderSetup(res, 200, {}, [])
    res.render('partnerships/home.njk', {
      pageTitle: 'Published reports',
      partnerships: all.filter((p) => published.includes(p.id)).map((p) => ({ name: p.name, href: `/p/${p.slug}/` })),
    })
  })
  return router
}
