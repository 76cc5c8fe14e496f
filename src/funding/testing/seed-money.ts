import type { Database } from '../../db/database.ts'

/**
 * For tests: writes a partnership's money for 2018/19 straight into its tables (through its scoped handle), the same
 * figures as src/funding/appendix-a.test.ts's ROWS (the seed's PCC grant, an illustrative Comic Relief stream, three
 * services, allocations and 2018/19 actuals, and a 2017/18 actual), plus what the 360Giving export needs (providers
 * with a charity and a company number, commitments with dates). Returns the ids made.
 */
export async function seedMoney(database: Database, options: { readonly tag?: string } = {}) {
  const { db } = database
  const tag = options.tag ?? ''
  const stamp = { updated_at: '2018-04-01T09:00:00.000Z', updated_by: 'test-fixture' }
  const id = async (query: Promise<{ id: number } | undefined>) => {
    const row = await query
    if (!row) throw new Error('insert returned no id')
    return row.id
  }
  const strategy = await id(
    db
      .insertInto('strategies')
      .values({ title: `Strategy${tag}`, first_year: 'FY2017-18', last_year: 'FY2019-20', status: 'draft', ...stamp })
      .returning('id')
      .executeTakeFirst(),
  )
  const priority = (name: string, position: number) =>
    id(
      db
        .insertInto('strategic_priorities')
        .values({ strategy_id: strategy, name, position, ...stamp })
        .returning('id')
        .executeTakeFirst(),
    )
  const reoffending = await priority('Reducing reoffending', 1)
  const vawg = await priority('Violence against women and girls', 2)
  const stream = (name: string, funder: string) =>
    id(
      db
        .insertInto('funding_streams')
        .values({ name, funder, first_year: 'FY2017-18', last_year: 'FY2019-20', ...stamp })
        .returning('id')
        .executeTakeFirst(),
    )
  const pcc = await stream('PCC grant', 'West Midlands Police and Crime Commissioner')
  const comicRelief = await stream('Comic Relief', 'Comic Relief')
  const provider = (name: string, charity: string | null, company: string | null) =>
    id(
      db
        .insertInto('providers')
        .values({ name, charity_number: charity, company_number: company, postcode: 'WV1 1AA', ...stamp })
        .returning('id')
        .executeTakeFirst(),
    )
  const mentors = await provider('Mentoring Trust', '1070468', null)
  const idva = await provider('Safe Homes Ltd', null, '2345678')
  const outreach = await provider('Street Outreach Group', null, null)
  const service = (reference: string, title: string, providerId: number, priorityId: number, streamId: number) =>
    id(
      db
        .insertInto('commissioned_services')
        .values({
          reference,
          title,
          description: `${title} for young people in the city.`,
          provider_id: providerId,
          strategic_priority_id: priorityId,
          funding_stream_id: streamId,
          agreement: 'grant',
          start_date: '2018-04-01',
          end_date: '2019-03-31',
          status: 'live',
          ...stamp,
        })
        .returning('id')
        .executeTakeFirst(),
    )
  const s1 = await service('S1', 'Gangs mentoring', mentors, reoffending, pcc)
  const s2 = await service('S2', 'IDVA service', idva, vawg, pcc)
  const s3 = await service('S3', 'Youth outreach', outreach, reoffending, comicRelief)
  await db
    .insertInto('funding_awards')
    .values([
      { funding_stream_id: pcc, year: 'FY2018-19', awarded_pence: 33_999_500, illustrative: 0, ...stamp },
      { funding_stream_id: comicRelief, year: 'FY2018-19', awarded_pence: 2_000_000, illustrative: 1, ...stamp },
    ])
    .execute()
  await db
    .insertInto('carry_forwards')
    .values({ funding_stream_id: pcc, into_year: 'FY2018-19', amount_pence: 3_843_500, ...stamp })
    .execute()
  await db
    .insertInto('budget_allocations')
    .values([
      {
        funding_stream_id: pcc,
        year: 'FY2018-19',
        strategic_priority_id: null,
        service_id: s1,
        amount_pence: 15_000_000,
        illustrative: 0,
        ...stamp,
      },
      {
        funding_stream_id: pcc,
        year: 'FY2018-19',
        strategic_priority_id: null,
        service_id: s2,
        amount_pence: 12_000_050,
        illustrative: 0,
        ...stamp,
      },
      {
        funding_stream_id: comicRelief,
        year: 'FY2018-19',
        strategic_priority_id: null,
        service_id: s3,
        amount_pence: 1_500_000,
        illustrative: 1,
        ...stamp,
      },
      {
        funding_stream_id: pcc,
        year: 'FY2018-19',
        strategic_priority_id: vawg,
        service_id: null,
        amount_pence: 5_000_000,
        illustrative: 0,
        ...stamp,
      },
    ])
    .execute()
  // Every row of a multi-row insert names every column: a column one row leaves out would be written as null.
  const actual = (
    streamId: number,
    period: string,
    serviceId: number,
    amount: number,
    more: { paid_on?: string; illustrative?: number } = {},
  ) => ({
    funding_stream_id: streamId,
    period,
    kind: 'actual' as const,
    service_id: serviceId,
    amount_pence: amount,
    paid_on: more.paid_on ?? null,
    illustrative: more.illustrative ?? 0,
    ...stamp,
  })
  await db
    .insertInto('spend_entries')
    .values([
      actual(pcc, 'FY2018-19-Q1', s1, 3_750_000, { paid_on: '2018-05-15' }),
      actual(pcc, 'FY2018-19-Q2', s1, 3_750_000),
      actual(pcc, 'FY2018-19-Q1', s2, 3_000_025),
      actual(comicRelief, 'FY2018-19-Q1', s3, 300_000, { illustrative: 1 }),
      actual(pcc, 'FY2017-18-Q4', s1, 9_999_900),
    ])
    .execute()
  await db
    .insertInto('service_commitments')
    .values([
      {
        service_id: s1,
        year: 'FY2018-19',
        amount_pence: 15_000_000,
        committed_on: '2018-03-20',
        illustrative: 0,
        ...stamp,
      },
      {
        service_id: s2,
        year: 'FY2018-19',
        amount_pence: 12_000_050,
        committed_on: '2018-03-21',
        illustrative: 0,
        ...stamp,
      },
      {
        service_id: s3,
        year: 'FY2018-19',
        amount_pence: 1_500_000,
        committed_on: '2018-03-22',
        illustrative: 1,
        ...stamp,
      },
    ])
    .execute()
  return { strategy, reoffending, vawg, pcc, comicRelief, services: { s1, s2, s3 } }
}

/** Adds one more actual to a seeded partnership's 2018/19 (a figure changed after publication). */
export async function addSpend(database: Database, streamId: number, serviceId: number, amountPence: number) {
  await database.db
    .insertInto('spend_entries')
    .values({
      funding_stream_id: streamId,
      period: 'FY2018-19-Q3',
      kind: 'actual',
      service_id: serviceId,
      amount_pence: amountPence,
      updated_at: '2018-12-01T09:00:00.000Z',
      updated_by: 'test-fixture',
    })
    .execute()
}

/** For tests: deletes every money row of the partnership (children first), so a fixture's figures stand alone. */
export async function clearMoney(database: Database): Promise<void> {
  for (const table of [
    'service_output_actuals',
    'service_outputs',
    'spend_entries',
    'service_commitments',
    'budget_allocations',
    'commissioned_services',
    'providers',
    'carry_forwards',
    'funding_awards',
    'funding_streams',
  ] as const)
    await database.db.deleteFrom(table).execute()
}
