import type { Generated } from 'kysely'

/**
 * The money's tables (created by src/db/migrations/0018-plan-and-funding.ts): funding streams with the amount awarded
 * per financial year and the carry-forward agreed into a year; providers and the services commissioned from them;
 * allocations of a stream's budget to a priority or a service; what a service was awarded (commitments); spend,
 * actual and forecast, per quarter; each service's outputs and outcomes with targets and actuals.
 *
 * Money is integer pence (`*_pence`), never floating point. A year's budget is not stored: it is income plus
 * carry-forward, computed. `illustrative` (0/1) marks a demo figure the seed does not give: every page and export that
 * shows one says so. Every row is one partnership's, and references stay inside it (composite keys).
 */
export interface FundingTables {
  funding_streams: FundingStreamsTable
  funding_awards: FundingAwardsTable
  carry_forwards: CarryForwardsTable
  providers: ProvidersTable
  commissioned_services: CommissionedServicesTable
  budget_allocations: BudgetAllocationsTable
  service_commitments: ServiceCommitmentsTable
  spend_entries: SpendEntriesTable
  service_outputs: ServiceOutputsTable
  service_output_actuals: ServiceOutputActualsTable
}

export type ServiceStatus = 'planned' | 'commissioned' | 'live' | 'ended' | 'decommissioned'
export type ServiceAgreement = 'grant' | 'contract'
export type SpendKind = 'actual' | 'forecast'
export type OutputKind = 'output' | 'outcome'

interface Owned {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
}

interface Changed {
  updated_at: string
  /** Who last changed the row, as the audit trail names them (an email, or `demo-data`). */
  updated_by: string
}

export interface FundingStreamsTable extends Owned, Changed {
  /** Who gives the money: "West Midlands Police and Crime Commissioner", "Home Office", "Comic Relief". */
  funder: string
  name: string
  purpose: string | null
  first_year: string
  last_year: string
  conditions: string | null
  funder_reference: string | null
  /** The funder's organisation identifier for 360Giving (e.g. `GB-GOR-…`), when known. */
  funder_org_id: string | null
}

export interface FundingAwardsTable extends Owned, Changed {
  funding_stream_id: number
  year: string
  awarded_pence: number
  received_pence: Generated<number>
  illustrative: Generated<number>
}

export interface CarryForwardsTable extends Owned, Changed {
  funding_stream_id: number
  /** The year the money is carried into, from the stream's year before. */
  into_year: string
  amount_pence: number
  agreed_on: string | null
  note: string | null
  illustrative: Generated<number>
}

export interface ProvidersTable extends Owned, Changed {
  name: string
  charity_number: string | null
  company_number: string | null
  /** The agency whose data owners report this provider's outputs (and see only its services). */
  agency_id: number | null
  postcode: string | null
  website: string | null
}

export interface CommissionedServicesTable extends Owned, Changed {
  /** The partnership's own reference for the service (360Giving's grant identifier is built from it). */
  reference: string
  title: string
  description: string | null
  provider_id: number
  strategic_priority_id: number | null
  funding_stream_id: number | null
  agreement: ServiceAgreement
  start_date: string | null
  end_date: string | null
  status: ServiceStatus
}

export interface BudgetAllocationsTable extends Owned, Changed {
  funding_stream_id: number
  year: string
  strategic_priority_id: number | null
  service_id: number | null
  amount_pence: number
  note: string | null
  illustrative: Generated<number>
}

export interface ServiceCommitmentsTable extends Owned, Changed {
  service_id: number
  year: string
  amount_pence: number
  committed_on: string | null
  illustrative: Generated<number>
}

export interface SpendEntriesTable extends Owned, Changed {
  funding_stream_id: number
  /** The quarter, e.g. `FY2018-19-Q2`. */
  period: string
  kind: SpendKind
  strategic_priority_id: number | null
  service_id: number | null
  amount_pence: number
  paid_on: string | null
  note: string | null
  illustrative: Generated<number>
}

export interface ServiceOutputsTable extends Owned, Changed {
  service_id: number
  kind: OutputKind
  name: string
  unit: string | null
  year: string
  target: number | null
  position: number
}

export interface ServiceOutputActualsTable extends Owned, Changed {
  output_id: number
  period: string
  actual: number
  note: string | null
  /** The quarterly return the figure came through (accepted by the analyst), if any. */
  return_id: number | null
}
