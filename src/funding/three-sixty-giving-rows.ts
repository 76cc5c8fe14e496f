import type { Database } from '../db/database.ts'
import type { GrantRows } from './three-sixty-giving.ts'

/**
 * The rows the 360Giving export needs (services, providers, priorities, streams, commitments, actual spend), read
 * through the partnership's scoped handle. Reads only; the services feature owns these tables' writes.
 */
export async function readGrantRows(database: Database): Promise<GrantRows> {
  const { db } = database
  const [services, providers, priorities, streams, commitments, payments] = await Promise.all([
    db
      .selectFrom('commissioned_services')
      .select([
        'id',
        'reference',
        'title',
        'description',
        'provider_id',
        'strategic_priority_id',
        'funding_stream_id',
        'agreement',
        'start_date',
        'end_date',
        'status',
        'updated_at',
      ])
      .orderBy('reference')
      .execute(),
    db
      .selectFrom('providers')
      .select(['id', 'name', 'charity_number', 'company_number', 'postcode', 'website', 'updated_at'])
      .orderBy('id')
      .execute(),
    db.selectFrom('strategic_priorities').select(['id', 'name']).orderBy('id').execute(),
    db.selectFrom('funding_streams').select(['id', 'name', 'funder']).orderBy('id').execute(),
    db
      .selectFrom('service_commitments')
      .select(['service_id', 'year', 'amount_pence', 'committed_on', 'illustrative', 'updated_at'])
      .orderBy('id')
      .execute(),
    db
      .selectFrom('spend_entries')
      .select(['service_id', 'period', 'amount_pence', 'paid_on', 'illustrative', 'updated_at'])
      .where('kind', '=', 'actual')
      .where('service_id', 'is not', null)
      .orderBy('id')
      .execute(),
  ])
  return {
    services: services.map((s) => ({
      id: s.id,
      reference: s.reference,
      title: s.title,
      description: s.description,
      providerId: s.provider_id,
      priorityId: s.strategic_priority_id,
      streamId: s.funding_stream_id,
      agreement: s.agreement,
      startDate: s.start_date,
      endDate: s.end_date,
      status: s.status,
      updatedAt: s.updated_at,
    })),
    providers: providers.map((p) => ({
      id: p.id,
      name: p.name,
      charityNumber: p.charity_number,
      companyNumber: p.company_number,
      postcode: p.postcode,
      website: p.website,
      updatedAt: p.updated_at,
    })),
    priorities,
    streams,
    commitments: commitments.map((c) => ({
      serviceId: c.service_id,
      year: c.year,
      amountPence: Number(c.amount_pence),
      committedOn: c.committed_on,
      illustrative: c.illustrative === 1,
      updatedAt: c.updated_at,
    })),
    payments: payments.flatMap((p) =>
      p.service_id === null
        ? []
        : [
            {
              serviceId: p.service_id,
              period: p.period,
              amountPence: Number(p.amount_pence),
              paidOn: p.paid_on,
              illustrative: p.illustrative === 1,
              updatedAt: p.updated_at,
            },
          ],
    ),
  }
}
