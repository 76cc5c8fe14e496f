import { randomUUID } from 'node:crypto'
import express, { type NextFunction, type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { agencyForDataOwner } from '../accounts/data-owner-names.ts'
import { can, type Action } from '../accounts/permissions.ts'
import type { Indicator } from '../domain/indicator.ts'
import { parsePeriod, period } from '../domain/period.ts'
import type { PerformanceRepository, StoredIndicatorValue } from '../performance/performance-repository.ts'
import { parseReportYear, type PerformanceReportService } from '../reports/performance-report-service.ts'
import { performanceReportJson } from '../reports/json.ts'
import { reportingQuarterOf } from '../domain/due-periods.ts'
import type { ReturnsService } from '../returns/returns-service.ts'
import type { ApiWrites } from './api-writes.ts'
import { caller, parseIdempotencyKey, parseIfMatch, requestDigest } from './caller.ts'
import { openApiDocument } from './openapi.ts'
import { sendProblem } from './problem.ts'
import { addReturnRoutes, apiReturnPath, RETURN_BODY_LIMIT } from './return-routes.ts'
import { readValueBody, schemaProblems, valueBodySchema } from './value-input.ts'

export { parseIfMatch } from './caller.ts'

export interface ApiDependencies {
  readonly accounts: Pick<AccountService, 'authenticateApiToken' | 'listAgencies' | 'log'>
  readonly performance: Pick<PerformanceRepository, 'listIndicators' | 'listValues' | 'getValue'>
  readonly reports: PerformanceReportService
  readonly writes: ApiWrites
  /** Quarterly returns: the same service the return pages call. */
  readonly returns: Pick<ReturnsService, 'agencies' | 'authorise' | 'returnPage' | 'saveReturn'>
}

/**
 * Changing a figure directly, outside a return, is what an import does: the analyst's and the administrator's
 * work. A data owner (and an agency's token, which acts as one) sends figures in the quarterly return, where the
 * analyst reviews them before they become the partnership's.
 */
const DIRECT_FIGURE_WRITE: Action = 'import:run'

function valueJson(value: StoredIndicatorValue) {
  return {
    indicatorId: value.indicatorId,
    period: value.period,
    status: value.status,
    value: value.value,
    numerator: value.numerator,
    denominator: value.denominator,
    percent: value.percent,
    text: value.text,
    reason: value.reason,
    commentary: value.commentary,
    version: value.version,
    updatedAt: value.updatedAt,
    updatedBy: value.updatedBy,
  }
}

/**
 * The JSON API under `/api` (described at `/api/openapi.json`). Agencies' systems call it with an API token
 * (`Authorization: Bearer shub_…`, no cookie, so no CSRF token); signed-in people may call it from the browser
 * with their session (and then CSRF protection applies to writes, as to forms). Every route asks the same
 * permission policy as the pages. Agencies send figures in their quarterly return (`/api/returns/…`, through the
 * returns service, so the analyst reviews them as on the web); only analysts and administrators write a figure
 * directly (`PUT /api/indicators/{id}/values/{period}`, as an import would). Errors are `application/problem+json`.
 * No CORS headers: other sites' scripts may not call it.
 */
export function apiRoutes(deps: ApiDependencies): express.Router {
  const router = express.Router()

  router.get('/api/openapi.json', (_req, res) => {
    res.type('application/json').send(JSON.stringify(openApiDocument(), null, 2))
  })

  // Authentication: a bearer token if the request has an Authorization header (a bad one is 401 even with a
  // session cookie, so a misconfigured system is told at once), else the signed-in user.
  router.use('/api', async (req, res, next) => {
    try {
      const authorization = req.headers.authorization
      if (authorization !== undefined) {
        const match = /^Bearer ([^\s]+)$/i.exec(authorization)
        const client = match?.[1] ? await deps.accounts.authenticateApiToken(match[1]) : null
        if (!client) {
          res.setHeader('WWW-Authenticate', 'Bearer')
          return sendProblem(res, 401, 'Unauthorised', 'The API token is missing, unknown, expired or revoked.')
        }
        res.locals.apiCaller = {
          kind: 'token',
          principal: client.principal,
          actor: `api-token:${client.tokenId} (${client.agency.code})`,
          client: `token:${client.tokenId}`,
          agencyCode: client.agency.code,
        }
        return next()
      }
      const user = res.locals.currentUser
      if (!user) {
        res.setHeader('WWW-Authenticate', 'Bearer')
        return sendProblem(res, 401, 'Unauthorised', 'Send an API token (Authorization: Bearer …) or sign in.')
      }
      res.locals.apiCaller = {
        kind: 'session',
        principal: user,
        actor: user.email,
        client: `user:${user.id}`,
        agencyCode: user.agency?.code ?? null,
      }
      next()
    } catch (error) {
      next(error)
    }
  })

  const allow =
    (action: Action) =>
    (req: Request, res: Response, next: NextFunction): void => {
      const { principal, actor } = caller(res)
      if (can(principal, action)) return next()
      deps.accounts.log({ event: 'authz-denied', actor, action, method: req.method, path: req.path })
      sendProblem(res, 403, 'Forbidden', 'Your account or token does not allow this.')
    }

  const handle =
    (work: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction): void => {
      work(req, res).catch(next)
    }

  async function indicatorJson(indicator: Indicator) {
    const agencies = await deps.accounts.listAgencies()
    return { ...indicator, agency: agencyForDataOwner(indicator.dataOwner, agencies)?.code ?? null }
  }

  async function findIndicator(id: unknown): Promise<Indicator | undefined> {
    if (typeof id !== 'string') return undefined
    return (await deps.performance.listIndicators()).find((i) => i.id === id)
  }

  router.get(
    '/api/indicators',
    allow('report:view'),
    handle(async (_req, res) => {
      const indicators = await deps.performance.listIndicators()
      res.json({ indicators: await Promise.all(indicators.map(indicatorJson)) })
    }),
  )

  router.get(
    '/api/indicators/:id',
    allow('report:view'),
    handle(async (req, res) => {
      const indicator = await findIndicator(req.params.id)
      if (!indicator) return sendProblem(res, 404, 'Not found', 'There is no indicator with this id.')
      res.json(await indicatorJson(indicator))
    }),
  )

  router.get(
    '/api/indicators/:id/values',
    allow('report:view'),
    handle(async (req, res) => {
      const indicator = await findIndicator(req.params.id)
      if (!indicator) return sendProblem(res, 404, 'Not found', 'There is no indicator with this id.')
      const yearText = req.query.year
      let years: string[] | undefined
      if (yearText !== undefined) {
        const year = typeof yearText === 'string' ? parseReportYear(yearText) : null
        if (!year) return sendProblem(res, 400, 'Bad request', 'year must be a financial year such as 2017-18.')
        years = [year]
      }
      const values = await deps.performance.listValues({
        indicatorIds: [indicator.id],
        ...(years ? { years } : {}),
      })
      res.json({ indicatorId: indicator.id, values })
    }),
  )

  router.get(
    '/api/indicators/:id/values/:period',
    allow('report:view'),
    handle(async (req, res) => {
      const indicator = await findIndicator(req.params.id)
      const period = parsePeriod(String(req.params.period))
      const value = indicator && period ? await deps.performance.getValue(indicator.id, period.id) : null
      if (!value) return sendProblem(res, 404, 'Not found', 'There is no figure for this indicator and period.')
      res.setHeader('ETag', `"${value.version}"`)
      res.json(valueJson(value))
    }),
  )

  router.get(
    '/api/reports/performance/:year',
    allow('report:view'),
    handle(async (req, res) => {
      const year = parseReportYear(String(req.params.year))
      const report = year ? await deps.reports.report(year) : null
      if (!report) return sendProblem(res, 404, 'Not found', 'There are no figures for this financial year.')
      res.type('application/json').send(performanceReportJson(report))
    }),
  )

  const jsonBody = express.json({ limit: '64kb', strict: true, type: () => true })

  /**
   * Only those who may change figures directly (DIRECT_FIGURE_WRITE). A data owner or an agency's token is told to
   * send the figure in its quarterly return instead, with the return it belongs in.
   */
  const directWriters = (req: Request, res: Response, next: NextFunction): void => {
    const { kind, principal, actor, agencyCode } = caller(res)
    if (kind === 'session' && can(principal, DIRECT_FIGURE_WRITE)) return next()
    deps.accounts.log({ event: 'authz-denied', actor, action: DIRECT_FIGURE_WRITE, method: req.method, path: req.path })
    const sendsReturns = agencyCode !== null && can(principal, 'return:edit', { agencyId: principal.agencyId })
    if (!sendsReturns) return sendProblem(res, 403, 'Forbidden', 'Your account or token does not allow this.')
    const figurePeriod = parsePeriod(String(req.params.period))
    const quarter = figurePeriod ? reportingQuarterOf(figurePeriod).id : '{quarter}'
    sendProblem(
      res,
      403,
      'Forbidden',
      'An agency sends its figures in its quarterly return, which the partnership analyst reviews before they ' +
        'become the partnership’s figures: PUT the return (intent "save" or "submit") at returnsEndpoint. ' +
        'Only analysts and administrators change a figure directly.',
      { returnsEndpoint: apiReturnPath(quarter, agencyCode) },
    )
  }

  router.put(
    '/api/indicators/:id/values/:period',
    directWriters,
    (req, res, next) => {
      if (!req.is('application/json')) {
        return sendProblem(res, 415, 'Unsupported media type', 'Send the figure as application/json.')
      }
      next()
    },
    jsonBody,
    handle(async (req, res) => {
      const apiCaller = caller(res)
      const { actor, client } = apiCaller
      const indicator = await findIndicator(req.params.id)
      if (!indicator) return sendProblem(res, 404, 'Not found', 'There is no indicator with this id.')
      const parsed = valueBodySchema.safeParse(req.body)
      if (!parsed.success) {
        return sendProblem(res, 400, 'Bad request', 'The figure is not valid.', {
          errors: schemaProblems(parsed.error),
        })
      }
      const read = await readValueBody(indicator, String(req.params.period), parsed.data)
      if (!read.ok) {
        return sendProblem(res, 422, 'Unprocessable content', 'The figure breaks the rules for this indicator.', {
          errors: read.problems,
        })
      }
      const expectedVersion = parseIfMatch(req.headers['if-match'])
      if (expectedVersion === null) {
        return sendProblem(res, 400, 'Bad request', 'If-Match must be the version you last read, e.g. "3".')
      }
      const keyHeader = parseIdempotencyKey(req.headers['idempotency-key'])
      if (keyHeader === null) {
        return sendProblem(res, 400, 'Bad request', 'Idempotency-Key must be 1 to 200 printable characters.')
      }
      const requestHash = requestDigest(req.path, parsed.data, expectedVersion)
      const outcome = await deps.writes.saveValue({
        value: read.value,
        expectedVersion,
        actor,
        // An agency's system with its token, or a signed-in person's browser with the session.
        source: apiCaller.kind === 'token' ? 'api' : 'browser',
        reference: client,
        requestId: randomUUID(),
        idempotency: keyHeader === undefined ? undefined : { client, key: keyHeader, requestHash },
        answer: (value, created) => ({ status: created ? 201 : 200, body: valueJson(value) }),
      })
      switch (outcome.outcome) {
        case 'replayed': {
          const body = outcome.answer.body as { version?: number }
          if (typeof body.version === 'number') res.setHeader('ETag', `"${body.version}"`)
          res.setHeader('Idempotent-Replayed', 'true')
          res.status(outcome.answer.status).json(body)
          return
        }
        case 'key-reused':
          return sendProblem(res, 422, 'Unprocessable content', 'This Idempotency-Key was used for another request.')
        case 'locked':
          return sendProblem(
            res,
            423,
            'Locked',
            `${period(outcome.quarter).label} has been signed off and locked: the board must reopen it (with a reason) before its figures can change.`,
            { lockedQuarter: outcome.quarter },
          )
        case 'precondition-required':
          return sendProblem(
            res,
            428,
            'Precondition required',
            'This figure exists: send If-Match with the version you are replacing.',
            { currentVersion: outcome.current.version, current: valueJson(outcome.current) },
          )
        case 'conflict':
          if (outcome.current) res.setHeader('ETag', `"${outcome.current.version}"`)
          return sendProblem(res, 409, 'Conflict', 'Someone changed this figure since you read it.', {
            currentVersion: outcome.current?.version ?? 0,
            current: outcome.current ? valueJson(outcome.current) : null,
          })
        case 'saved':
        case 'unchanged': {
          const created = outcome.outcome === 'saved' && outcome.created
          res.setHeader('ETag', `"${outcome.value.version}"`)
          if (created)
            res.setHeader(
              'Location',
              `/api/indicators/${encodeURIComponent(indicator.id)}/values/${outcome.value.period}`,
            )
          res.status(created ? 201 : 200).json(valueJson(outcome.value))
          return
        }
      }
    }),
  )

  addReturnRoutes(router, { returns: deps.returns, writes: deps.writes, accounts: deps.accounts })

  // Anything else under /api: a problem document, not the HTML 404 page.
  router.use('/api', (_req, res) => sendProblem(res, 404, 'Not found', 'There is no such API route.'))

  // Body errors (malformed JSON, too large) as problem documents; anything else goes to the application's handler.
  router.use('/api', ((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500
    if (status === 400) return sendProblem(res, 400, 'Bad request', 'The body is not valid JSON.')
    if (status === 413) {
      return sendProblem(
        res,
        413,
        'Content too large',
        `The body is too large: a figure may be 64 KB at most, a return ${RETURN_BODY_LIMIT.toUpperCase()}.`,
      )
    }
    next(error)
  }) as express.ErrorRequestHandler)

  return router
}
