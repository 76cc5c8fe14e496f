import { createHash } from 'node:crypto'
import { canonicalJson } from './canonical-json.ts'

/**
 * The audit trail's hash chain: every event's hash is sha256(previous event's hash + the event's canonical
 * JSON), starting from GENESIS_HASH. Changing, removing or reordering any stored event breaks the chain from
 * that event on, which `verifyAuditChain` reports. (Cutting events off the end leaves a valid shorter chain:
 * keep a copy of the latest hash elsewhere, e.g. in the board minutes, to detect that.)
 */

/** The `previous_hash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64)

/** What the caller supplies for one change. */
export interface AuditEventInput {
  /** Who made the change: a user name, or a process such as "demo-data". */
  readonly actor: string
  /** What happened, e.g. `create`, `update`. */
  readonly action: string
  /** The kind of record, e.g. `indicator`, `baseline`, `indicator-value`. */
  readonly entityType: string
  /** Which record, e.g. `knife-crime` or `knife-crime/FY2017-18-Q1`. */
  readonly entityKey: string
  /** The record before the change (null for a creation) and after it (null for a deletion). */
  readonly before: unknown
  readonly after: unknown
  readonly requestId?: string | null
  readonly importId?: number | null
  /**
   * The partnership the change belongs to; null or absent for the instance's own events (sign-ins, partnerships
   * themselves). An audit repository bound to a partnership fills it in.
   */
  readonly partnershipId?: number | null
}

/** One stored event, as read back. `before` and `after` are canonical JSON text (parse to read). */
export interface AuditEvent {
  readonly id: number
  /** ISO 8601 UTC, e.g. `2018-04-30T09:15:00.000Z`. */
  readonly occurredAt: string
  readonly actor: string
  readonly action: string
  readonly entityType: string
  readonly entityKey: string
  readonly before: string | null
  readonly after: string | null
  readonly requestId: string | null
  readonly importId: number | null
  /** The partnership it belongs to; null for the instance's own events and for every event before migration 0013. */
  readonly partnershipId: number | null
  readonly previousHash: string
  readonly hash: string
}

export type UnhashedAuditEvent = Omit<AuditEvent, 'hash'>

/**
 * The hash of one event: sha256 over the previous hash followed by the canonical JSON of every other field.
 *
 * @example auditEventHash({ id: 1, previousHash: GENESIS_HASH, occurredAt: '2018-04-30T09:15:00.000Z', … })
 */
export function auditEventHash(event: UnhashedAuditEvent): string {
  const content = canonicalJson({
    id: event.id,
    occurredAt: event.occurredAt,
    actor: event.actor,
    action: event.action,
    entityType: event.entityType,
    entityKey: event.entityKey,
    before: event.before,
    after: event.after,
    requestId: event.requestId,
    importId: event.importId,
    // Only when set: the events written before partnerships existed (null) keep the hash they were written with.
    ...(event.partnershipId === null ? {} : { partnershipId: event.partnershipId }),
  })
  return createHash('sha256').update(event.previousHash).update(content).digest('hex')
}

/** Where a chain (or a part of one) left off: the last event's id and hash. */
export interface ChainPosition {
  readonly id: number
  readonly hash: string
}

export const CHAIN_START: ChainPosition = Object.freeze({ id: 0, hash: GENESIS_HASH })

export type AuditChainVerification =
  | { readonly ok: true; readonly checked: number; readonly last: ChainPosition }
  | {
      readonly ok: false
      readonly checked: number
      /** The first event that does not fit the chain. */
      readonly eventId: number
      readonly reason: string
    }

/**
 * Checks events in id order: ids run on without a gap, each event names its predecessor's hash, and each
 * hash matches the event's content. Reports the first event that fails. `from` continues a check that was
 * done in pages.
 *
 * @example verifyAuditChain(events).ok // false once any stored event was altered
 */
export function verifyAuditChain(
  events: Iterable<AuditEvent>,
  from: ChainPosition = CHAIN_START,
): AuditChainVerification {
  let last = from
  let checked = 0
  for (const event of events) {
    if (event.id !== last.id + 1) {
      return {
        ok: false,
        checked,
        eventId: event.id,
        reason: `event ${event.id} follows event ${last.id}: event ${last.id + 1} is missing or out of order`,
      }
    }
    if (event.previousHash !== last.hash) {
      return {
        ok: false,
        checked,
        eventId: event.id,
        reason: `event ${event.id} does not name the hash of event ${last.id} as its predecessor`,
      }
    }
    if (auditEventHash(event) !== event.hash) {
      return {
        ok: false,
        checked,
        eventId: event.id,
        reason: `event ${event.id} does not match its hash: it was altered after it was written`,
      }
    }
    checked++
    last = { id: event.id, hash: event.hash }
  }
  return { ok: true, checked, last }
}
