import type { Database } from '../../db/database.ts'

const stamp = { updated_at: '2018-04-01T09:00:00.000Z', updated_by: 'test' }

/**
 * The plan's three priorities (as the seed names them) and one commissioned service, written straight into the
 * partnership's tables for tests: the plan and services features own the pages that make them.
 */
export async function addPrioritiesAndService(database: Database): Promise<{
  priorities: Record<'reoffending' | 'victimisation' | 'violence', number>
  serviceId: number
}> {
  const strategy = await database.db
    .insertInto('strategies')
    .values({
      title: 'Community Safety and Harm Reduction Strategy 2017-2020',
      first_year: 'FY2017-18',
      last_year: 'FY2019-20',
      status: 'draft',
      summary: null,
      approved_at: null,
      approved_by: null,
      ...stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const ids: number[] = []
  for (const [position, name] of ['Reducing Reoffending', 'Reducing Victimisation', 'Violence Prevention'].entries()) {
    const row = await database.db
      .insertInto('strategic_priorities')
      .values({ strategy_id: strategy.id, position, name, description: null, ...stamp })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.push(row.id)
  }
  const provider = await database.db
    .insertInto('providers')
    .values({
      name: 'Wolverhampton Business Crime Reduction Group',
      charity_number: null,
      company_number: null,
      agency_id: null,
      postcode: null,
      website: null,
      ...stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const service = await database.db
    .insertInto('commissioned_services')
    .values({
      reference: 'SWP-18-01',
      title: 'Business crime reviews',
      description: null,
      provider_id: provider.id,
      strategic_priority_id: ids[1] as number,
      funding_stream_id: null,
      agreement: 'grant',
      start_date: null,
      end_date: null,
      status: 'live',
      ...stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return {
    priorities: { reoffending: ids[0] as number, victimisation: ids[1] as number, violence: ids[2] as number },
    serviceId: service.id,
  }
}
