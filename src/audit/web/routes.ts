import express from 'express'
import type { ChainCheck } from '../chain-check.ts'
import type { AuditRepository } from '../audit-repository.ts'
import type { AuditEvent } from '../audit-chain.ts'

/** Events per page. */
export const AUDIT_PAGE_SIZE = 50

/** The "Event" filter's value for every kind of sign-in event at once. */
export const SIGN_IN_EVENTS = 'sign-in-events'

/**
 * The sign-in events, which the accounts feature records (src/accounts/sign-in-audit.ts) and the composition hands
 * to this page, so that the audit trail depends on no feature that writes to it.
 */
export interface SignInEvents {
  /** Every authentication action, in the order the filter lists them. */
  readonly actions: readonly string[]
  /** What the page says of each action, beside the action's own name. */
  readonly descriptions: Readonly<Record<string, string>>
}

/** An action as stored (`reopen`, `sign-in-failed`): lower-case words joined by hyphens. */
const ACTION = /^[a-z][a-z0-9-]{0,59}$/

interface AuditQuery {
  readonly entityType: string
  readonly actor: string
  /** '' (any), SIGN_IN_EVENTS, or one action. */
  readonly action: string
  readonly from: string
  readonly to: string
  readonly page: number
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

function text(value: unknown, max = 200): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : ''
}

/** A calendar date typed in the form (YYYY-MM-DD) that really exists, or null. */
function validDate(value: string): string | null {
  if (!DATE.test(value)) return null
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? value : null
}

function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString()
}

/** Before and after, pretty-printed, for the page (the stored text is canonical JSON). */
function pretty(json: string | null): string {
  if (json === null) return ''
  try {
    return JSON.stringify(JSON.parse(json), null, 2)
  } catch {
    return json
  }
}

/** The options of the "Event" filter: any, every sign-in event, each sign-in event, and an action asked for by URL. */
function eventOptions(signIn: SignInEvents, selected: string) {
  const items = [
    { value: '', text: 'Any event' },
    { value: SIGN_IN_EVENTS, text: 'Sign-in events of every kind' },
    ...signIn.actions.map((action) => ({ value: action, text: signIn.descriptions[action] ?? action })),
  ]
  if (selected && !items.some((item) => item.value === selected)) items.push({ value: selected, text: selected })
  return items.map((item) => ({ ...item, selected: item.value === selected }))
}

function row(signIn: SignInEvents, event: AuditEvent) {
  return {
    id: event.id,
    occurredAt: event.occurredAt,
    actor: event.actor,
    action: event.action,
    description: signIn.descriptions[event.action] ?? null,
    entityType: event.entityType,
    entityKey: event.entityKey,
    before: pretty(event.before),
    after: pretty(event.after),
  }
}

/**
 * The audit trail page (`/audit`, 'audit:view'): who changed what, when, with before and after, and the sign-in
 * events (sign-in, failure, throttling, sign-out, password change); filtered by a GET form (entity type, actor, event,
 * date range: dates are UTC days), newest first, 50 a page; and the result of checking the hash chain (every event
 * up to the newest, src/audit/chain-check.ts), so a tampered trail shows on the page.
 */
export function auditTrailRoutes(deps: {
  readonly audit: AuditRepository
  /** The instance's chain, checked as it grows (src/audit/chain-check.ts). */
  readonly chain: ChainCheck
  readonly signInEvents: SignInEvents
  readonly guard: readonly express.RequestHandler[]
  /**
   * A compartment's events to leave out for this viewer (an entity type prefix, e.g. `death-review`), or null to show
   * everything: the death review register's events are shown only to those who hold the register.
   */
  readonly hiddenEntityTypePrefix?: (res: express.Response) => Promise<string | null>
}): express.Router {
  const signIn = deps.signInEvents
  const router = express.Router()
  router.get('/audit', ...deps.guard, async (req, res, next) => {
    try {
      const query: AuditQuery = {
        entityType: text(req.query.entityType),
        actor: text(req.query.actor, 300),
        action: text(req.query.action, 60),
        from: text(req.query.from, 10),
        to: text(req.query.to, 10),
        page: Math.min(Math.max(Number.parseInt(text(req.query.page, 6), 10) || 1, 1), 100_000),
      }
      const errors: { text: string; href: string }[] = []
      const fieldErrors: Record<string, { text: string }> = {}
      // In the order of the form, so that the error summary is too.
      if (query.action && !ACTION.test(query.action)) fieldErrors.action = { text: 'Choose an event from the list' }
      const from = query.from ? validDate(query.from) : null
      const to = query.to ? validDate(query.to) : null
      if (query.from && !from) fieldErrors.from = { text: 'Enter the from date as YYYY-MM-DD, for example 2018-04-01' }
      if (query.to && !to) fieldErrors.to = { text: 'Enter the to date as YYYY-MM-DD, for example 2018-06-30' }
      if (from && to && from > to) fieldErrors.to = { text: 'The to date must be the same as or after the from date' }
      for (const [field, error] of Object.entries(fieldErrors)) errors.push({ text: error.text, href: `#${field}` })

      const hidden = deps.hiddenEntityTypePrefix ? await deps.hiddenEntityTypePrefix(res) : null
      const events =
        errors.length > 0
          ? []
          : await deps.audit.list({
              newestFirst: true,
              limit: AUDIT_PAGE_SIZE + 1,
              offset: (query.page - 1) * AUDIT_PAGE_SIZE,
              ...(query.entityType ? { entityType: query.entityType } : {}),
              ...(hidden ? { excludeEntityTypePrefix: hidden } : {}),
              ...(query.actor ? { actor: query.actor } : {}),
              ...(query.action ? { actions: query.action === SIGN_IN_EVENTS ? signIn.actions : [query.action] } : {}),
              ...(from ? { occurredFrom: `${from}T00:00:00.000Z` } : {}),
              ...(to ? { occurredBefore: dayAfter(to) } : {}),
            })
      const hasNext = events.length > AUDIT_PAGE_SIZE
      const link = (page: number) => {
        const params = new URLSearchParams()
        for (const key of ['entityType', 'actor', 'action', 'from', 'to'] as const) {
          if (query[key]) params.set(key, query[key])
        }
        params.set('page', String(page))
        return `${req.baseUrl}/audit?${params.toString()}`
      }
      const verification = await deps.chain.current()
      if (errors.length > 0) res.status(400)
      res.render('audit/audit-trail.njk', {
        pageTitle: 'Audit trail',
        // A partnership's trail at `<base>/audit`, the instance's at `/admin/audit`: wherever the router is mounted.
        auditPath: `${req.baseUrl}/audit`,
        query,
        errorList: errors,
        fieldErrors,
        events: events.slice(0, AUDIT_PAGE_SIZE).map((event) => row(signIn, event)),
        eventOptions: eventOptions(signIn, fieldErrors.action ? '' : query.action),
        pagination: {
          ...(query.page > 1 ? { previous: { href: link(query.page - 1) } } : {}),
          ...(hasNext ? { next: { href: link(query.page + 1) } } : {}),
        },
        verification,
      })
    } catch (error) {
      next(error)
    }
  })
  return router
}
