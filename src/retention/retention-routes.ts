import express, { type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { requirePermission } from '../accounts/web/authentication.ts'
import { formField } from '../accounts/web/forms.ts'
import { periodInWords } from './retention-descriptor.ts'
import type { RetentionService } from './retention-service.ts'

export interface RetentionRoutesOptions {
  readonly retention: RetentionService
  readonly accounts: Pick<AccountService, 'log'>
}

/**
 * Retention ('retention:manage', administrators only): `/retention` each record type's period (with its form), the
 * records due for deletion and the tombstones of those deleted; `/retention/:type/:id` a record's deletion,
 * confirmed by POST (refused, saying why, when it is not due or another row still needs it).
 */
export function retentionRoutes(options: RetentionRoutesOptions): express.Router {
  const router = express.Router()
  const { retention, accounts } = options
  const manage = [requirePermission(accounts, 'retention:manage')]

  const render = async (
    res: Response,
    status: number,
    form: {
      recordType: string
      months: string
      unit: string
      reason: string
      errors: { field: string; message: string }[]
    } | null,
    notice: string | null,
  ) => {
    const user = res.locals.currentUser
    if (!user) throw new Error('The retention page was reached without a signed-in user')
    const reviews = await retention.review(user)
    res.status(status).render('retention/retention.njk', {
      pageTitle: `${form?.errors.length ? 'Error: ' : ''}Retention`,
      reviews: reviews.map((r) => ({
        ...r,
        periodWords: periodInWords(r.periodMonths),
        defaultWords: periodInWords(r.defaultMonths),
        values:
          form?.recordType === r.recordType
            ? form
            : r.periodMonths % 12 === 0
              ? { months: String(r.periodMonths / 12), unit: 'years', reason: r.reason }
              : { months: String(r.periodMonths), unit: 'months', reason: r.reason },
      })),
      tombstones: (await retention.tombstones(user)).map((t) => ({ ...t, periodWords: periodInWords(t.periodMonths) })),
      notice,
      errorList: form?.errors.map((e) => ({ text: e.message, href: `#${e.field}` })) ?? [],
      fieldErrors: Object.fromEntries(form?.errors.map((e) => [e.field, { text: e.message }]) ?? []),
    })
  }

  const NOTICES: Readonly<Record<string, string>> = {
    period: 'The retention period has been saved.',
    deleted: 'The record has been deleted; its tombstone is listed below.',
  }

  router.get('/retention', ...manage, async (req, res) => {
    const done = typeof req.query.done === 'string' ? (NOTICES[req.query.done] ?? null) : null
    await render(res, 200, null, done)
  })

  router.post('/retention/periods/:type', ...manage, async (req, res, next) => {
    const user = res.locals.currentUser
    if (!user) return next()
    const recordType = String(req.params.type)
    const months = formField(req.body, 'months').trim()
    const unit = formField(req.body, 'unit') === 'years' ? 'years' : 'months'
    const reason = formField(req.body, 'reason')
    const n = /^\d{1,4}$/.test(months) ? Number(months) * (unit === 'years' ? 12 : 1) : Number.NaN
    const result = await retention.setPeriod(user, recordType, n, reason)
    if (result.outcome === 'not-found') return next()
    if (result.outcome === 'invalid')
      return render(res, 400, { recordType, months, unit, reason, errors: result.errors }, null)
    res.redirect(303, `${req.baseUrl}/retention?done=period`)
  })

  router.get('/retention/:type/:id', ...manage, async (req, res, next) => {
    const user = res.locals.currentUser
    const id = Number(req.params.id)
    if (!user || !Number.isInteger(id)) return next()
    const record = await retention.record(user, String(req.params.type), id)
    if (!record) return next()
    res.render('retention/retention-delete.njk', {
      pageTitle: `Delete ${record.label}`,
      record,
      recordType: String(req.params.type),
      refusal: null,
    })
  })

  router.post('/retention/:type/:id', ...manage, async (req, res, next) => {
    const user = res.locals.currentUser
    const id = Number(req.params.id)
    const recordType = String(req.params.type)
    if (!user || !Number.isInteger(id)) return next()
    const result = await retention.deleteRecord(user, recordType, id)
    if (result.outcome === 'not-found') return next()
    if (result.outcome === 'deleted') return res.redirect(303, `${req.baseUrl}/retention?done=deleted`)
    const record = await retention.record(user, recordType, id)
    const refusal =
      result.outcome === 'needed'
        ? `It cannot be deleted: ${result.reason}.`
        : result.dueOn === null
          ? 'It cannot be deleted: its retention clock has not started.'
          : `It cannot be deleted before ${result.dueOn}, when its retention period ends.`
    res.status(409).render('retention/retention-delete.njk', {
      pageTitle: 'Error: the record cannot be deleted',
      record,
      recordType,
      refusal,
      errorList: [{ text: refusal, href: '#refusal' }],
    })
  })

  return router
}
