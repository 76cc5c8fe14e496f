import express, { type NextFunction, type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { requirePermission } from '../accounts/web/authentication.ts'
import { redirectAfterSaving } from '../accounts/web/session.ts'
import type { IndicatorHoldings, IndicatorRemoval } from '../performance/indicator-removal.ts'

/** What the KPI removal pages use of the partnership's performance services. */
export interface KpiRemovalServices {
  indicatorHoldings(
    id: string,
  ): Promise<{ readonly name: string; readonly holdings: IndicatorHoldings; readonly described: string } | null>
  removeIndicator(actor: string, id: string, options: { readonly deleteHoldings: boolean }): Promise<IndicatorRemoval>
}

/**
 * Removing a KPI from the framework (`/kpis/:id/remove`, 'import:run': those who define the framework by import): a
 * page that says what would go with it (figures, baselines, return items, commentary reviews) and asks to confirm
 * that; the removal itself is `removeIndicator` (one audited unit of work; signed-off quarters are never deleted).
 */
export function kpiRemovalRoutes(deps: {
  readonly accounts: AccountService
  readonly performance: KpiRemovalServices
}): express.Router {
  const router = express.Router()
  const guard = requirePermission(deps.accounts, 'import:run')
  const wrap =
    (handler: (req: Request, res: Response, next: NextFunction) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) =>
      handler(req, res, next).catch(next)

  const render = async (res: Response, status: number, id: string, error: string | null): Promise<boolean> => {
    const found = await deps.performance.indicatorHoldings(id)
    if (!found) return false
    res.status(status).render('imports/kpi-remove.njk', {
      pageTitle: `${error ? 'Error: ' : ''}Remove ${found.name}`,
      kpi: { id, name: found.name },
      described: Object.values(found.holdings).some((n) => n > 0) ? found.described : null,
      error,
    })
    return true
  }

  router.get(
    '/kpis/:id/remove',
    guard,
    wrap(async (req, res, next) => {
      if (!(await render(res, 200, String(req.params.id), null))) next()
    }),
  )

  router.post(
    '/kpis/:id/remove',
    guard,
    wrap(async (req, res, next) => {
      const id = String(req.params.id)
      const confirmed = (req.body as Record<string, unknown>).confirm === 'yes'
      const actor = res.locals.currentUser?.email ?? 'unknown'
      const result = await deps.performance.removeIndicator(actor, id, { deleteHoldings: confirmed })
      switch (result.outcome) {
        case 'not-found':
          return next()
        case 'needs-confirmation':
          await render(res, 400, id, 'Confirm that its figures are deleted with it')
          return
        case 'locked':
          await render(
            res,
            400,
            id,
            `It has figures in ${result.quarters.join(', ')}, signed off and locked: the board must reopen the quarter first`,
          )
          return
        case 'removed':
          req.session.importFlash = `${result.name} (${id}) was removed from the framework.`
          await redirectAfterSaving(req, res, `${req.baseUrl}/imports`)
      }
    }),
  )
  return router
}
