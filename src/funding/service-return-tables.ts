import type { Generated } from 'kysely'

/**
 * The draft output figures of a quarterly return (created by src/db/migrations/0021-service-returns.ts): what a
 * provider's data owner typed for each of its services' outputs, until the analyst accepts the return and they become
 * `service_output_actuals` (see src/funding/service-return-outputs.ts).
 */
export interface ServiceReturnTables {
  return_output_items: ReturnOutputItemsTable
}

export interface ReturnOutputItemsTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  return_id: number
  output_id: number
  /** Null: left blank in a draft. */
  actual: number | null
  note: string | null
  updated_at: string
  updated_by: string
}
