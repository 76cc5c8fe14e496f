import type { Generated } from 'kysely'

/** The tables of migration 0004 (src/db/migrations/0004-crime-reference.ts) as Kysely sees them. */
export interface CrimeReferenceTables {
  crime_reference_imports: {
    id: Generated<number>
    kind: 'recorded-crime' | 'population' | 'peer-group'
    file_name: string
    sha256: string
    description: string
    imported_at: string
    imported_by: string
    rows_stored: number
    /** JSON array of the notes shown at import. */
    notes: string
  }
  recorded_crime_areas: {
    dataset: string
    year_ending: string
    area_key: string
    kind: string
    partnership_code: string | null
    name: string
    force_code: string
    population: number | null
    population_note: string | null
    source_row: number
    import_id: number
  }
  recorded_crime_counts: {
    dataset: string
    year_ending: string
    area_key: string
    offence_group: string
    offences: number | null
  }
  population_estimates: {
    district_code: string
    year: number
    district_name: string
    population: number
    median_age: number | null
    import_id: number
  }
  district_areas: {
    district_code: string
    district_name: string
    area_sq_km: number
    import_id: number
  }
  peer_groups: {
    id: Generated<number>
    partnership_code: string
    name: string
    source: string
    as_of: string
    method: 'imported' | 'entered' | 'proposed'
    method_note: string | null
    created_at: string
    created_by: string
  }
  peer_group_members: {
    peer_group_id: number
    member_code: string
    position: number
    distance: number | null
  }
}
