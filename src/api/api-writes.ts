import type { UnitOfWork } from '../audit/audited-transaction.ts'
import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { IndicatorValue } from '../domain/indicator.ts'
import type { StoredIndicatorValue } from '../performance/performance-repository.ts'
import type { FigureWriter } from '../performance/write-figure.ts'
import type { ApiRepository, IdempotencyLookup, IdempotencyRequest, StoredAnswer } from './api-repository.ts'

export type { IdempotencyLookup, IdempotencyRequest, StoredAnswer } from './api-repository.ts'

export type SaveValueOutcome =
  | { readonly outcome: 'saved'; readonly created: boolean; readonly value: StoredIndicatorValue }
  | { readonly outcome: 'unchanged'; readonly value: StoredIndicatorValue }
  | { readonly outcome: 'conflict'; readonly current: StoredIndicatorValue | null }
  /** The figure exists and the request did not say which version it replaces. */
  | { readonly outcome: 'precondition-required'; readonly current: StoredIndicatorValue }
  | { readonly outcome: 'replayed'; readonly answer: StoredAnswer }
  | { readonly outcome: 'key-reused' }
  /** The figure's quarter has been signed off and locked: nothing was written. */
  | { readonly outcome: 'locked'; readonly quarter: string }

export interface SaveValueRequest {
  readonly value: IndicatorValue
  /**
   * The version the client last saw (`If-Match`). Undefined (no `If-Match`) may only create a figure: replacing
   * one without saying which version is refused, so that a client that never read it cannot overwrite it.
   */
  readonly expectedVersion?: number | undefined
  readonly actor: string
  /** An agency's system with a token (`api`), or a signed-in person's browser with their session (`browser`). */
  readonly source: 'api' | 'browser'
  /** The caller, for the audit trail: `token:<id>` or `user:<id>`. */
  readonly reference: string
  readonly requestId?: string | null
  readonly idempotency?: IdempotencyRequest | undefined
  /** What to store as the answer for a later retry with the same key, given the saved value. */
  readonly answer?: ((value: StoredIndicatorValue, created: boolean) => StoredAnswer) | undefined
}

/**
 * The API's writes. A figure is written by the performance feature's one write function (`writeFigure`), with its
 * version check, lock check and audit event, and its idempotency record in the SAME unit of work, so that a retry, a
 * concurrent editor or a crash can never give two writes or a lost update.
 */
export interface ApiWrites {
  saveValue(request: SaveValueRequest): Promise<SaveValueOutcome>
  /** The answer first given to a request with this key, `key-reused`, or null when the key is new. */
  findAnswer(idempotency: IdempotencyRequest): Promise<IdempotencyLookup | null>
  /**
   * Keeps the answer to a request with an idempotency key inside another service's unit of work (a quarterly
   * return's save), so that the answer commits with the write it answers.
   */
  rememberAnswer(uow: UnitOfWork, idempotency: IdempotencyRequest, answer: StoredAnswer): Promise<void>
}

export interface ApiWritesDependencies {
  /** The partnership's database handle: the unit of work is opened on it. */
  readonly database: Database
  readonly repository: ApiRepository
  readonly figures: FigureWriter
  readonly now?: () => Date
}

/**
 * @example
 *   const api = createApiWrites({ database: scopedDatabase, repository: createApiRepository(scopedDatabase), figures })
 *   await api.saveValue({ value, expectedVersion: 3, actor: 'analyst@example.org', source: 'browser', reference: 'user:4' })
 */
export function createApiWrites(dependencies: ApiWritesDependencies): ApiWrites {
  const { database, repository, figures } = dependencies
  const now = dependencies.now ?? (() => new Date())
  return {
    saveValue(request) {
      return inUnitOfWork(database, async (uow): Promise<SaveValueOutcome> => {
        const { idempotency } = request
        if (idempotency) {
          const seen = await repository.findAnswer(uow, idempotency)
          if (seen) return seen
        }
        // No If-Match: this request may only create the figure (version 0 = "must not exist yet").
        const written = await figures.writeFigure(
          uow,
          { value: request.value, expectedVersion: request.expectedVersion ?? 0 },
          {
            actor: request.actor,
            source: request.source,
            reference: request.reference,
            requestId: request.requestId ?? null,
          },
        )
        let outcome: SaveValueOutcome
        switch (written.outcome) {
          case 'locked':
            return { outcome: 'locked', quarter: written.quarter }
          case 'conflict':
            if (request.expectedVersion === undefined && written.current !== null) {
              return { outcome: 'precondition-required', current: written.current }
            }
            return { outcome: 'conflict', current: written.current }
          case 'unchanged':
            outcome = { outcome: 'unchanged', value: written.value }
            break
          case 'written':
            outcome = { outcome: 'saved', created: written.created, value: written.value }
            break
        }
        if (idempotency && request.answer) {
          const created = outcome.outcome === 'saved' && outcome.created
          await repository.rememberAnswer(uow, idempotency, request.answer(outcome.value, created), now().toISOString())
        }
        return outcome
      })
    },

    findAnswer(idempotency) {
      return repository.findAnswer(null, idempotency)
    },

    rememberAnswer(uow, idempotency, answer) {
      return repository.rememberAnswer(uow, idempotency, answer, now().toISOString())
    },
  }
}
