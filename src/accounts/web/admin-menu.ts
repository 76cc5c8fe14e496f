import express, { type Request, type Response } from 'express'
import type { User } from '../account-repository.ts'
import { can } from '../permissions.ts'
import { requireSignIn } from './authentication.ts'

/** One administration task the person may do: where it is and what it is for. */
export interface AdministrationLink {
  readonly href: string
  readonly text: string
  readonly description: string
}

/**
 * The administration pages this person may use, in the partnership whose pages start with `base` (`/p/<slug>`, or
 * nothing for the current one): one list, so that the menu's "Admin" item, the admin page and the permission policy
 * (src/accounts/permissions.ts, asked through `can`) never disagree. Empty for someone with no such rights.
 *
 * @example administrationLinks(administrator, '').map((l) => l.text) // ['Users', 'Agencies', 'API tokens', 'Audit trail']
 */
export function administrationLinks(
  user: User | null | undefined,
  base: string,
  options: { readonly withinPartnership?: boolean } = {},
): AdministrationLink[] {
  if (!user) return []
  const links: AdministrationLink[] = []
  if (options.withinPartnership === false) {
    // No partnership to administer yet (an empty installation): only the installation's own pages.
  } else if (can(user, 'user:manage'))
    links.push({
      href: `${base}/admin/users`,
      text: 'Users',
      description: 'Add people, change their role, reset a password.',
    })
  if (options.withinPartnership !== false && can(user, 'agency:view'))
    links.push({
      href: `${base}/admin/agencies`,
      text: 'Agencies',
      description: 'The partner agencies that own and submit figures.',
    })
  if (options.withinPartnership !== false && can(user, 'api-token:manage'))
    links.push({
      href: `${base}/admin/api-tokens`,
      text: 'API tokens',
      description: 'Tokens that let an agency’s system send its figures.',
    })
  if (options.withinPartnership !== false && can(user, 'audit:view'))
    links.push({
      href: `${base}/audit`,
      text: 'Audit trail',
      description: 'Every change to the partnership’s figures and accounts, with who made it and when.',
    })
  // Retention (src/retention/): each record type's period, what is due for deletion, and the tombstones.
  if (options.withinPartnership !== false && can(user, 'retention:manage'))
    links.push({
      href: `${base}/retention`,
      text: 'Retention',
      description: 'How long each kind of record is kept, what is due for deletion, and what was deleted.',
    })
  if (user.instanceAdministrator) {
    links.push(
      {
        href: '/admin/partnerships',
        text: 'Partnerships',
        description: 'The partnerships this installation serves; add one.',
      },
      {
        href: '/admin/audit',
        text: 'Whole audit trail',
        description: 'Every partnership’s events, and those of the installation itself (such as failed sign-ins).',
      },
    )
  }
  return links
}

/**
 * The menu's account items: "Admin" (one page that lists the administration pages this person may use) when there is
 * any, or "Sign in". The person's own account and signing out are in the header (src/web/views/layout.njk), so that
 * the menu fits one row on a laptop: ten links wrapped onto two.
 */
export function accountNavigation(req: Request, res: Response): { href: string; text: string; active?: boolean }[] {
  const user = res.locals.currentUser
  if (!user) return [{ href: '/sign-in', text: 'Sign in', active: req.path === '/sign-in' }]
  if (administrationLinks(user, req.baseUrl).length === 0) return []
  const inAdmin = /^\/(admin|audit)(\/|$)/.test(req.path)
  return [{ href: `${req.baseUrl}/admin`, text: 'Admin', active: inAdmin }]
}

/**
 * `/admin`: the administration pages the signed-in person may use, each with what it is for. Works without JS. A
 * partnership's router mounts it (`/admin`, `/p/<slug>/admin`); the installation mounts it last, with
 * `withinPartnership: false`, for when there is no partnership to enter yet.
 */
export function adminMenuRoutes(options: { readonly withinPartnership?: boolean } = {}): express.Router {
  const router = express.Router()
  router.get('/admin', requireSignIn(), (req, res) => {
    res.render('accounts/admin.njk', {
      pageTitle: 'Administration',
      links: administrationLinks(res.locals.currentUser, req.baseUrl, options),
    })
  })
  return router
}
