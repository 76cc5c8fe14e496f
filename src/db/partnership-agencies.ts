import type { Database } from './database.ts'
import { partnershipIdOf } from './partnership-scope.ts'

/**
 * The partner agencies that serve the handle's partnership, by name: agencies are the instance's (a police force serves
 * several partnerships), a partnership's are those linked to it (`partnership_agencies`). On the instance's own handle
 * (no partnership), every agency. The one query every feature lists agencies with (returns, actions, providers, seats,
 * meeting actions): an agency of another partnership must never be offered, nor answer 403 where an unknown one is 404.
 */
export async function listPartnershipAgencies(
  database: Database,
): Promise<{ readonly id: number; readonly code: string; readonly name: string }[]> {
  const partnershipId = partnershipIdOf(database)
  let query = database.db.selectFrom('agencies').select(['id', 'code', 'name']).orderBy('name')
  if (partnershipId !== null)
    query = query.where('id', 'in', (eb) =>
      eb
        .selectFrom('partnership_agencies')
        .select('partnership_agencies.agency_id')
        .where('partnership_agencies.partnership_id', '=', partnershipId),
    )
  return query.execute()
}
