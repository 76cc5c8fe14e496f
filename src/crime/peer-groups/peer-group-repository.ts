import type { Database } from '../../db/database.ts'
import type { PeerGroup } from './peer-group.ts'

export interface StoredPeerGroup extends PeerGroup {
  readonly id: number
  readonly createdAt: string
  readonly createdBy: string
}

/**
 * Storage of most similar groups; the only place with SQL for them. Saving a group under a name the partnership
 * already uses replaces that group's members, in one transaction.
 */
export interface PeerGroupRepository {
  /** Saves (or replaces) the groups, all in one transaction; returns their ids in order. */
  save(groups: readonly PeerGroup[], actor: string): Promise<number[]>
  /** A partnership's groups, the most recent (by date, then by when saved) first. */
  list(partnershipCode: string): Promise<StoredPeerGroup[]>
  /** The group with this name, or the most recent one when no name is given; null when there is none. */
  current(partnershipCode: string, name?: string): Promise<StoredPeerGroup | null>
}

export function createPeerGroupRepository(database: Database): PeerGroupRepository {
  const { db } = database
  const list = async (partnershipCode: string): Promise<StoredPeerGroup[]> => {
    const groups = await db
      .selectFrom('peer_groups')
      .selectAll()
      .where('partnership_code', '=', partnershipCode)
      .orderBy('as_of', 'desc')
      .orderBy('id', 'desc')
      .execute()
    if (groups.length === 0) return []
    const members = await db
      .selectFrom('peer_group_members')
      .selectAll()
      .where(
        'peer_group_id',
        'in',
        groups.map((g) => g.id),
      )
      .orderBy('peer_group_id')
      .orderBy('position')
      .execute()
    return groups.map((g) => ({
      id: Number(g.id),
      partnershipCode: g.partnership_code,
      name: g.name,
      source: g.source,
      asOf: g.as_of,
      method: g.method,
      methodNote: g.method_note,
      createdAt: g.created_at,
      createdBy: g.created_by,
      members: members
        .filter((m) => Number(m.peer_group_id) === Number(g.id))
        .map((m) => ({ code: m.member_code, distance: m.distance === null ? null : Number(m.distance) })),
    }))
  }
  return {
    async save(groups, actor) {
      return db.transaction().execute(async (trx) => {
        const ids: number[] = []
        for (const g of groups) {
          await trx
            .deleteFrom('peer_groups')
            .where('partnership_code', '=', g.partnershipCode)
            .where('name', '=', g.name)
            .execute()
          const { id } = await trx
            .insertInto('peer_groups')
            .values({
              partnership_code: g.partnershipCode,
              name: g.name,
              source: g.source,
              as_of: g.asOf,
              method: g.method,
              method_note: g.methodNote,
              created_at: new Date().toISOString(),
              created_by: actor,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
          if (g.members.length > 0) {
            await trx
              .insertInto('peer_group_members')
              .values(
                g.members.map((m, position) => ({
                  peer_group_id: id,
                  member_code: m.code,
                  position,
                  distance: m.distance,
                })),
              )
              .execute()
          }
          ids.push(Number(id))
        }
        return ids
      })
    },
    list,
    async current(partnershipCode, name) {
      const groups = await list(partnershipCode)
      if (name === undefined) return groups[0] ?? null
      return groups.find((g) => g.name.toLowerCase() === name.toLowerCase()) ?? null
    },
  }
}
