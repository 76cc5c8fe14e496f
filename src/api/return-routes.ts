import { randomUUID } from 'node:crypto'
import express, { type NextFunction, type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { PermissionDenied } from '../accounts/permissions.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { AgencyReturn } from '../returns/returns-repository.ts'
import { ReturnNotFound, type ReturnPage, type ReturnsService, type ReturnsUser } from '../returns/returns-service.ts'
import type { ApiWrites, IdempotencyRequest } from './api-writes.ts'
import { caller, parseIdempotencyKey, parseIfMatch, requestDigest, type ApiCaller } from './caller.ts'
import { sendProblem } from './problem.ts'
import {
  problemsInApiTerms,
  RETURN_UNKNOWN_FIELD_HINT,
  returnBodySchema,
  returnItemsToFields,
  warningsInApiTerms,
} from './return-input.ts'
import { returnJson, withSavedReturn } from './return-json.ts'
import { schemaProblems } from './value-input.ts'

export interface ReturnRoutesDeps {
  readonly returns: Pick<ReturnsService, 'agencies' | 'authorise' | 'returnPage' | 'saveReturn'>
  readonly writes: Pick<ApiWrites, 'findAnswer' | 'rememberAnswer'>
  readonly accounts: Pick<AccountService, 'log'>
}

const QUARTER_PATTERN = /^FY\d{4}-\d{2}-Q[1-4]$/
const AGENCY_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/

/** A return is larger than one figure: 180 periods of up to 8 boxes, each commentary up to 5,000 characters. */
export const RETURN_BODY_LIMIT = '2mb'

/** The API path of an agency's return for a quarter. */
export function apiReturnPath(quarter: string, agencyCode: string): string {
  return `/api/returns/${quarter}/${encodeURIComponent(agencyCode)}`
}

/** The caller as the returns service knows people: a principal with the name the audit trail records. */
function returnsUserOf(apiCaller: ApiCaller): ReturnsUser {
  return { ...apiCaller.principal, email: apiCaller.actor }
}

/**
 * Quarterly returns through the API: `GET` and `PUT /api/returns/{quarter}/{agency}`. Every call goes to the same
 * returns service as the return page (src/returns/routes.ts), so an agency's system meets the same rules: its own
 * agency's return only (another agency's is 404, as on the pages), the import rules for each figure, plausibility
 * warnings to confirm before submitting (the confirmation is recorded), the version check, the quarter lock, and
 * the analyst's review before any figure becomes the partnership's.
 */
export function addReturnRoutes(router: express.Router, deps: ReturnRoutesDeps): void {
  /**
   * The quarter and agency of the URL, once the caller may do `action` on that agency's returns: unknown or
   * another agency's → ReturnNotFound; not allowed at all → PermissionDenied.
   */
  async function target(req: Request, user: ReturnsUser, action: 'return:view' | 'return:edit') {
    const quarter = req.params.quarter
    const code = req.params.agency
    if (typeof quarter !== 'string' || !QUARTER_PATTERN.test(quarter)) throw new ReturnNotFound()
    if (typeof code !== 'string' || !AGENCY_CODE_PATTERN.test(code)) throw new ReturnNotFound()
    const agency = (await deps.returns.agencies()).find((a) => a.code.toLowerCase() === code.toLowerCase())
    if (!agency) throw new ReturnNotFound()
    deps.returns.authorise(user, action, agency.id)
    return { quarter, agencyId: agency.id }
  }

  /** Runs a handler; a return that is unknown or hidden from the caller is 404, a refused action 403 (logged). */
  const handle =
    (work: (req: Request, res: Response, next: NextFunction) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction): void => {
      work(req, res, next).catch((error: unknown) => {
        if (error instanceof ReturnNotFound) {
          return sendProblem(res, 404, 'Not found', 'There is no such return that you may see.')
        }
        if (error instanceof PermissionDenied) {
          const { actor } = caller(res)
          deps.accounts.log({ event: 'authz-denied', actor, action: error.action, method: req.method, path: req.path })
          return sendProblem(res, 403, 'Forbidden', 'Your account or token does not allow this.')
        }
        next(error)
      })
    }

  /** The return as it now stands, in a problem document (409, 428), with its version in the ETag. */
  const current = (res: Response, page: ReturnPage, stored: AgencyReturn | null) => {
    if (stored) res.setHeader('ETag', `"${stored.version}"`)
    return {
      currentVersion: stored?.version ?? 0,
      current: returnJson(stored ? withSavedReturn(page, stored) : page),
    }
  }

  const locked = (res: Response, page: ReturnPage) =>
    sendProblem(
      res,
      423,
      'Locked',
      `${page.period.label} has been signed off and locked: its return cannot change until the quarter is reopened.`,
      { lockedQuarter: page.period.id },
    )

  const accepted = (res: Response, page: ReturnPage, stored: AgencyReturn) =>
    sendProblem(
      res,
      409,
      'Conflict',
      'This return has been accepted: it can no longer be changed. Ask the partnership analyst to correct a figure.',
      current(res, page, stored),
    )

  router.get(
    '/api/returns/:quarter/:agency',
    handle(async (req, res) => {
      const user = returnsUserOf(caller(res))
      const { quarter, agencyId } = await target(req, user, 'return:view')
      const page = await deps.returns.returnPage(user, quarter, agencyId)
      // "0" before the first save: a client can always send back the ETag it read as If-Match.
      res.setHeader('ETag', `"${page.returned?.version ?? 0}"`)
      res.json(returnJson(page))
    }),
  )

  router.put(
    '/api/returns/:quarter/:agency',
    // Who may change this return is settled before the body is read: another agency's return is 404 whatever is sent.
    handle(async (req, res, next) => {
      await target(req, returnsUserOf(caller(res)), 'return:edit')
      next()
    }),
    (req, res, next) => {
      if (!req.is('application/json')) {
        return sendProblem(res, 415, 'Unsupported media type', 'Send the return as application/json.')
      }
      next()
    },
    express.json({ limit: RETURN_BODY_LIMIT, strict: true, type: () => true }),
    handle(async (req, res) => {
      const apiCaller = caller(res)
      const user = returnsUserOf(apiCaller)
      const { quarter, agencyId } = await target(req, user, 'return:edit')
      const parsed = returnBodySchema.safeParse(req.body)
      if (!parsed.success) {
        return sendProblem(res, 400, 'Bad request', 'The return is not valid.', {
          errors: schemaProblems(parsed.error, RETURN_UNKNOWN_FIELD_HINT),
        })
      }
      const ifMatch = parseIfMatch(req.headers['if-match'])
      if (ifMatch === null) {
        return sendProblem(res, 400, 'Bad request', 'If-Match must be the version you last read, e.g. "3".')
      }
      const key = parseIdempotencyKey(req.headers['idempotency-key'])
      if (key === null) {
        return sendProblem(res, 400, 'Bad request', 'Idempotency-Key must be 1 to 200 printable characters.')
      }
      const idempotency: IdempotencyRequest | undefined =
        key === undefined
          ? undefined
          : { client: apiCaller.client, key, requestHash: requestDigest(req.path, parsed.data, ifMatch) }
      if (idempotency) {
        const seen = await deps.writes.findAnswer(idempotency)
        if (seen?.outcome === 'key-reused') {
          return sendProblem(res, 422, 'Unprocessable content', 'This Idempotency-Key was used for another request.')
        }
        if (seen?.outcome === 'replayed') {
          const body = seen.answer.body as { version?: unknown }
          if (typeof body.version === 'number') res.setHeader('ETag', `"${body.version}"`)
          res.setHeader('Idempotent-Replayed', 'true')
          res.status(seen.answer.status).json(body)
          return
        }
      }

      const page = await deps.returns.returnPage(user, quarter, agencyId)
      if (page.lines.length === 0) {
        return sendProblem(
          res,
          422,
          'Unprocessable content',
          `Nothing is due from ${page.agency.name} for ${page.period.label}.`,
          { nextDue: page.nextDue?.id ?? null },
        )
      }
      // Answered here from the page so that a caller learns the state first; the service checks each of these
      // again inside its write transaction, which is what holds when two writers race.
      if (page.quarter?.locked === true) return locked(res, page)
      const stored = page.returned
      if (stored?.status === 'accepted') return accepted(res, page, stored)
      if (ifMatch === undefined && stored) {
        return sendProblem(
          res,
          428,
          'Precondition required',
          'This return exists: send If-Match with the version you are replacing.',
          current(res, page, stored),
        )
      }
      if (ifMatch !== undefined && ifMatch !== (stored?.version ?? 0)) {
        return sendProblem(
          res,
          409,
          'Conflict',
          'Someone changed this return since you read it.',
          current(res, page, stored),
        )
      }

      const mapped = returnItemsToFields(parsed.data.items, page.lines)
      if (!mapped.ok) {
        return sendProblem(
          res,
          422,
          'Unprocessable content',
          'Some items are not asked for in this return: nothing was saved.',
          { errors: mapped.problems },
        )
      }
      const { intent } = parsed.data
      const status = stored ? 200 : 201
      const result = await deps.returns.saveReturn(user, quarter, agencyId, {
        version: stored ? stored.version : null,
        intent,
        fields: mapped.fields,
        requestId: randomUUID(),
        // The answer is kept in the return's own unit of work: it commits with the save it answers, or not at all.
        ...(idempotency
          ? {
              alsoInUnitOfWork: (uow: UnitOfWork, saved: AgencyReturn) =>
                deps.writes.rememberAnswer(uow, idempotency, {
                  status,
                  body: returnJson(withSavedReturn(page, saved)),
                }),
            }
          : {}),
      })
      switch (result.kind) {
        case 'saved': {
          const body = returnJson(withSavedReturn(page, result.saved))
          res.setHeader('ETag', `"${result.saved.version}"`)
          if (status === 201) res.setHeader('Location', apiReturnPath(page.period.id, page.agency.code))
          res.status(status).json(body)
          return
        }
        case 'invalid': {
          const errors = problemsInApiTerms(result.problems, result.warnings, mapped.boxes)
          const unconfirmed = errors.length > 0 && errors.every((e) => e.field === 'confirmed')
          return sendProblem(
            res,
            422,
            'Unprocessable content',
            unconfirmed
              ? 'Some figures are unusual for their KPI: check each, and if it is right send it with "confirmed": true. Nothing was saved.'
              : 'The return breaks the rules for its KPIs: nothing was saved.',
            { errors, warnings: warningsInApiTerms(result.warnings, mapped.boxes) },
          )
        }
        case 'conflict':
          return sendProblem(
            res,
            409,
            'Conflict',
            'Someone changed this return since you read it.',
            current(res, page, result.current),
          )
        case 'locked':
          return locked(res, page)
        case 'wrong-state':
          return accepted(res, page, result.current)
      }
    }),
  )
}
