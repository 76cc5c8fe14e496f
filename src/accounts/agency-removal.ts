import type { Kysely } from 'kysely'
import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import type { AuditEventInput } from '../audit/audit-chain.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import { NotFound, type AccountContext, type Actor } from './account-context.ts'
import { agencySnapshot } from './agency-administration.ts'
import { ownerNameKey } from './data-owner-names.ts'

/** What removing an agency from a partnership would take with it, named, for the person to confirm. */
export interface AgencyHoldings {
  /** KPIs whose Owner column names the agency: they would be left with no owner. */
  readonly ownedKpis: readonly string[]
  /** Its quarterly returns to this partnership (the figures accepted from them stay). */
  readonly returns: readonly string[]
  /** Its data owners here, who would lose their place in the partnership. */
  readonly dataOwners: readonly string[]
  /** Its API tokens here. */
  readonly apiTokens: readonly string[]
  /** The delivery plan actions it leads here (their references): they would have no lead agency. */
  readonly ledActions: readonly string[]
}

export type AgencyRemoval =
  | { readonly outcome: 'needs-confirmation'; readonly holdings: AgencyHoldings; readonly described: string[] }
  | {
      readonly outcome: 'removed'
      readonly code: string
      readonly name: string
      readonly holdings: AgencyHoldings
      /** Deleted from the instance too (no other partnership worked with it), or only unlinked from this one. */
      readonly deleted: boolean
    }

/** What would be lost, one line per kind, for the command line and the confirmation page. */
export function describeAgencyHoldings(h: AgencyHoldings): string[] {
  const line = (items: readonly string[], what: string) =>
    items.length === 0
      ? []
      : [`${items.length} ${what}: ${items.slice(0, 10).join(', ')}${items.length > 10 ? ', …' : ''}`]
  return [
    ...line(h.ownedKpis, 'KPI(s) it owns, which would have no owner'),
    ...line(h.returns, 'quarterly return(s), which would be deleted (their accepted figures stay)'),
    ...line(h.dataOwners, 'data owner(s), who would lose their place in this partnership'),
    ...line(h.apiTokens, 'API token(s), which would be deleted'),
    ...line(h.ledActions, 'delivery plan action(s) it leads, which would have no lead agency'),
  ]
}

/**
 * Removing an agency from a partnership ('agency:manage'): it no longer works with the partnership, and, when no
 * other partnership does, it is deleted from the instance (its code then free). When it owns KPIs, has returns,
 * data owners or API tokens here, nothing is done unless `deleteHoldings` confirms that they go too (returns and
 * tokens deleted, data owners' memberships here ended; KPIs keep their Owner text, owned by nobody until an agency
 * takes that name). One audited unit of work: an event per deleted record and one for the agency.
 *
 * @example await agencyRemoval(context).removeAgency({ user }, 7, { deleteHoldings: false })
 */
export function agencyRemoval(context: AccountContext) {
  const { database, audit, repository, actorName, demandActor, clock } = context

  /** What an agency has in this partnership, read in `executor` (the unit of work, or the scoped handle). */
  async function read(executor: Kysely<DatabaseSchema>, partnershipId: number, agencyId: number) {
    const agency = (await repository.listAgencies(executor)).find((a) => a.id === agencyId)
    if (!agency) throw new NotFound(`No agency ${agencyId}`)
    const names = new Set([agency.code, ...agency.ownerNames].map(ownerNameKey))
    // Owned tables (indicators, agency_returns, api_tokens) through the partnership's handle: this one's rows only.
    const kpis = (await executor.selectFrom('indicators').select(['id', 'data_owner']).orderBy('position').execute())
      .filter((k) => names.has(ownerNameKey(k.data_owner)))
      .map((k) => k.id)
    const returns = await executor
      .selectFrom('agency_returns')
      .selectAll()
      .where('agency_id', '=', agencyId)
      .orderBy('period')
      .execute()
    const members = await executor
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.id', 'users.email', 'memberships.role'])
      .where('memberships.partnership_id', '=', partnershipId)
      .where('memberships.agency_id', '=', agencyId)
      .execute()
    const tokens = await executor
      .selectFrom('api_tokens')
      .select(['id', 'name', 'token_prefix'])
      .where('agency_id', '=', agencyId)
      .execute()
    const led = await executor
      .selectFrom('plan_actions')
      .select(['id', 'reference', 'lead_agency_id', 'version'])
      .where('lead_agency_id', '=', agencyId)
      .orderBy('reference')
      .execute()
    const holdings: AgencyHoldings = {
      ownedKpis: kpis,
      returns: returns.map((r) => r.period),
      dataOwners: members.map((m) => m.email),
      apiTokens: tokens.map((t) => t.name),
      ledActions: led.map((a) => a.reference),
    }
    return { agency, holdings, returns, members, tokens, led }
  }

  function partnershipOrThrow(): number {
    const partnershipId = partnershipIdOf(database)
    if (partnershipId === null) throw new Error('An agency is removed from a partnership: use its account service')
    return partnershipId
  }

  return {
    /** What removing the agency would take with it, for the confirmation page ('agency:manage'). */
    async agencyHoldings(actor: Actor, agencyId: number): Promise<{ holdings: AgencyHoldings; described: string[] }> {
      demandActor(actor, 'agency:manage')
      const { holdings } = await read(database.db, partnershipOrThrow(), agencyId)
      return { holdings, described: describeAgencyHoldings(holdings) }
    },

    async removeAgency(
      actor: Actor,
      agencyId: number,
      options: { readonly deleteHoldings: boolean },
    ): Promise<AgencyRemoval> {
      demandActor(actor, 'agency:manage')
      const partnershipId = partnershipOrThrow()
      return inUnitOfWork(database, async ({ trx }) => {
        const { agency, holdings, returns, members, tokens, led } = await read(trx, partnershipId, agencyId)
        const kpis = holdings.ownedKpis
        const described = describeAgencyHoldings(holdings)
        if (described.length > 0 && !options.deleteHoldings)
          return { outcome: 'needs-confirmation', holdings, described }

        const who = actorName(actor)
        const events: AuditEventInput[] = []
        const gone = (entityType: string, entityKey: string, before: unknown) =>
          events.push({ actor: who, action: 'delete', entityType, entityKey, before, after: null })
        if (returns.length > 0) {
          const ids = returns.map((r) => r.id)
          const items = await trx.selectFrom('return_items').selectAll().where('return_id', 'in', ids).execute()
          for (const { partnership_id: _, ...item } of items)
            gone('return-item', `${item.return_id}/${item.indicator_id}/${item.period}`, item)
          for (const { partnership_id: _, ...row } of returns) gone('agency-return', String(row.id), row)
          // The returns' draft updates to the agency's actions (migration 0020) go with them.
          const actionUpdates = await trx
            .selectFrom('return_action_updates')
            .selectAll()
            .where('return_id', 'in', ids)
            .execute()
          for (const { partnership_id: _, ...row } of actionUpdates)
            gone('return-action-update', `${row.return_id}/${row.action_id}`, row)
          await trx.deleteFrom('return_action_updates').where('return_id', 'in', ids).execute()
          await trx.deleteFrom('return_items').where('return_id', 'in', ids).execute()
          await trx.deleteFrom('agency_returns').where('id', 'in', ids).execute()
        }
        // The actions it led stay the partnership's, with no lead agency until another is chosen.
        for (const action of led) {
          events.push({
            actor: who,
            action: 'update',
            entityType: 'plan-action',
            entityKey: String(action.id),
            before: { reference: action.reference, leadAgencyId: action.lead_agency_id, version: action.version },
            after: { reference: action.reference, leadAgencyId: null, version: action.version + 1 },
          })
          await trx
            .updateTable('plan_actions')
            .set({
              lead_agency_id: null,
              version: action.version + 1,
              updated_at: clock.now().toISOString(),
              updated_by: who,
            })
            .where('id', '=', action.id)
            .execute()
        }
        // Seats on the board or a group held for the agency, and meeting actions given to it, stay the partnership's
        // record (the seat keeps its organisation's name), without the link to the agency.
        for (const [table, entityType] of [
          ['board_memberships', 'board-membership'],
          ['board_meeting_actions', 'board-meeting-action'],
        ] as const) {
          const linked = await trx
            .selectFrom(table)
            .select(['id', 'version'])
            .where('agency_id', '=', agencyId)
            .execute()
          for (const row of linked)
            events.push({
              actor: who,
              action: 'update',
              entityType,
              entityKey: String(row.id),
              before: { agencyId, version: row.version },
              after: { agencyId: null, version: row.version + 1 },
            })
          await trx
            .updateTable(table)
            .set((eb) => ({
              agency_id: null,
              version: eb('version', '+', 1),
              updated_at: clock.now().toISOString(),
              updated_by: who,
            }))
            .where('agency_id', '=', agencyId)
            .execute()
        }
        for (const token of tokens)
          gone('api-token', String(token.id), { name: token.name, prefix: token.token_prefix })
        await trx.deleteFrom('api_tokens').where('agency_id', '=', agencyId).execute()
        for (const member of members)
          gone('membership', `${member.id}/${partnershipId}`, {
            email: member.email,
            role: member.role,
            agency: agency.code,
          })
        await trx
          .deleteFrom('memberships')
          .where('partnership_id', '=', partnershipId)
          .where('agency_id', '=', agencyId)
          .execute()
        await trx
          .deleteFrom('partnership_agencies')
          .where('partnership_id', '=', partnershipId)
          .where('agency_id', '=', agencyId)
          .execute()
        // Deleted from the instance when nobody else works with it; otherwise only this partnership lets it go.
        const elsewhere = await trx
          .selectFrom('partnership_agencies')
          .select('partnership_id')
          .where('agency_id', '=', agencyId)
          .executeTakeFirst()
        const stillMember = await trx
          .selectFrom('memberships')
          .select('user_id')
          .where('agency_id', '=', agencyId)
          .executeTakeFirst()
        const deleted = elsewhere === undefined && stillMember === undefined
        if (deleted) {
          await trx.deleteFrom('agency_owner_names').where('agency_id', '=', agencyId).execute()
          await trx.deleteFrom('agencies').where('id', '=', agencyId).execute()
        }
        events.push({
          actor: who,
          action: deleted ? 'delete' : 'unlink',
          entityType: 'agency',
          entityKey: String(agencyId),
          before: { ...agencySnapshot(agency), ownedKpis: kpis },
          after: deleted ? null : { ...agencySnapshot(agency), unlinkedFromPartnership: partnershipId },
        })
        await audit.appendAll(trx, events)
        return { outcome: 'removed', code: agency.code, name: agency.name, holdings, deleted }
      })
    },
  }
}
