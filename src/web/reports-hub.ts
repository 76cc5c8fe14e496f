import express from 'express'
import { can } from '../accounts/permissions.ts'
import { requirePermission } from '../accounts/web/authentication.ts'
import type { AccountService } from '../accounts/account-service.ts'

/**
 * `/reports`: the menu's "Reports" item, one page listing what the partnership reports and that this person may read:
 * the quarterly performance report (Appendix C), the annual report, the board's scrutiny pack, Appendix A, and the
 * imports that load the figures. One item in the menu for all of them keeps the menu to one row on a laptop
 * (src/web/navigation.test.ts measures it); each link is asked of the permission policy, as the pages themselves are.
 */
export function reportsHubRoutes(accounts: Pick<AccountService, 'log'>): express.Router {
  const router = express.Router()
  router.get('/reports', requirePermission(accounts, 'report:view'), (req, res) => {
    const user = res.locals.currentUser
    const base = req.baseUrl
    const links = [
      {
        href: `${base}/reports/performance`,
        text: 'Performance report',
        description: 'The KPI framework quarter by quarter (Appendix C), its sign-off and publication.',
      },
      ...(can(user, 'annual-report:view')
        ? [
            {
              href: `${base}/annual-report`,
              text: 'Annual report',
              description:
                'The year’s report, built from the data, every number checked; its approval and publication.',
            },
          ]
        : []),
      ...(can(user, 'board:view')
        ? [
            {
              href: `${base}/board/meetings`,
              text: 'Board meetings and scrutiny pack',
              description: 'Agenda packs, decisions, attendance, and the yearly pack for the scrutiny committee.',
            },
          ]
        : []),
      ...(can(user, 'budget:view')
        ? [
            {
              href: `${base}/funding`,
              text: 'Budget and Appendix A',
              description: 'The year’s budget, its reconciliation, and Appendix A of the annual report.',
            },
          ]
        : []),
      ...(can(user, 'import:run')
        ? [
            {
              href: `${base}/imports`,
              text: 'Imports',
              description: 'Load KPI definitions, baselines, targets and figures from a spreadsheet.',
            },
          ]
        : []),
      { href: base || '/', text: 'Public report', description: 'What the public sees: the published figures.' },
    ]
    res.render('pages/reports.njk', { pageTitle: 'Reports', links })
  })
  return router
}
