/**
 * The audit trail's table as Kysely sees it (created by migration 0001). Append-only: the database refuses
 * UPDATE and DELETE. `id` is assigned by the appender (previous id + 1, under a lock), not by a sequence,
 * so the numbering has no gaps and a missing row shows.
 */
export interface AuditEventsTable {
  id: number
  occurred_at: string
  actor: string
  action: string
  entity_type: string
  entity_key: string
  /** Canonical JSON of the record before and after the change; null for a creation or a deletion. */
  before: string | null
  after: string | null
  request_id: string | null
  import_id: number | null
  partnership_id: number | null
  previous_hash: string
  hash: string
}

export interface AuditTables {
  audit_events: AuditEventsTable
}
