import type { Generated } from 'kysely'

/** One count column per crime type (migration 0003): the type's name in snake case. */
export type CrimeTypeColumns = {
  anti_social_behaviour: number
  bicycle_theft: number
  burglary: number
  criminal_damage_and_arson: number
  drugs: number
  other_crime: number
  other_theft: number
  possession_of_weapons: number
  public_order: number
  robbery: number
  shoplifting: number
  theft_from_the_person: number
  vehicle_crime: number
  violence_and_sexual_offences: number
  public_disorder_and_weapons: number
}

/** The tables of migration 0003 as Kysely sees them. Months are `YYYY-MM`; forces are data.police.uk identifiers. */
export interface CrimeCountTables {
  crime_import_runs: {
    id: Generated<number>
    imported_at: string
    source: string
    files: number
    bytes_read: number
    rows_read: number
    force_months: number
    /** Comma-separated partnership codes whose LSOA counts the run kept. */
    served_partnerships: string
  }
  crime_force_months: {
    police_force: string
    month: string
    import_run_id: number
    source_file: string
    falls_within: string
    rows_read: number
    rows_without_location: number
    rows_outside_force: number
    rows_unmapped: number
  }
  crime_partnership_counts: {
    month: string
    police_force: string
    partnership_code: string
  } & CrimeTypeColumns
  crime_lsoa_counts: {
    month: string
    police_force: string
    lsoa_code: string
    partnership_code: string
  } & CrimeTypeColumns
  crime_unmapped_lsoas: {
    police_force: string
    month: string
    lsoa_code: string
    reason: string
    rows: number
  }
}
