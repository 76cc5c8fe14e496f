import type { Selectable } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { BoardGroupsTable, BoardMembershipsTable, Sector } from './board-tables.ts'
import { listPartnershipAgencies } from '../db/partnership-agencies.ts'

/** The board (`kind = 'board'`) or a group under it. */
export interface BoardGroup {
  readonly id: number
  readonly name: string
  readonly kind: 'board' | 'group'
  readonly parentGroupId: number | null
  readonly purpose: string | null
  readonly termsOfReference: string | null
  readonly meetingFrequency: string | null
  readonly quorum: number | null
  readonly sortOrder: number
  /** A demo row with details the seed does not give: every page that shows it says so. */
  readonly illustrative: boolean
  /** Rises by one on every change: an editor sends back the version they saw (a stale edit is refused). */
  readonly version: number
  readonly updatedAt: string
  readonly updatedBy: string
}

export type MembershipRole = 'chair' | 'vice-chair' | 'member' | 'adviser'

/** A seat on the board or a group. */
export interface Membership {
  readonly id: number
  readonly groupId: number
  readonly personName: string | null
  readonly jobTitle: string | null
  readonly organisation: string
  readonly agencyId: number | null
  readonly sector: Sector
  readonly seat: string | null
  readonly role: MembershipRole
  readonly voting: boolean
  readonly fromDate: string | null
  readonly toDate: string | null
  readonly illustrative: boolean
  readonly version: number
  readonly updatedAt: string
  readonly updatedBy: string
}

export interface LinkedAgency {
  readonly id: number
  readonly code: string
  readonly name: string
}

/** A delivery plan action as a group's page lists it (read only: the plan owns actions). */
export interface GroupAction {
  readonly id: number
  readonly reference: string
  readonly title: string
  readonly status: string
  readonly deliveryGroup: string
}

/** The columns a group's editor sets. */
export interface GroupFields {
  readonly name: string
  readonly parent_group_id: number | null
  readonly purpose: string | null
  readonly terms_of_reference: string | null
  readonly meeting_frequency: string | null
  readonly quorum: number | null
}

/** The columns a seat's editor sets. */
export interface MembershipFields {
  readonly person_name: string | null
  readonly job_title: string | null
  readonly organisation: string
  readonly agency_id: number | null
  readonly sector: Sector
  readonly seat: string | null
  readonly role: MembershipRole
  readonly voting: number
  readonly from_date: string | null
  readonly to_date: string | null
}

/** What stands in the way of removing a group. */
export interface GroupHoldings {
  readonly members: number
  readonly meetings: number
  readonly subGroups: readonly string[]
}

interface Stamp {
  readonly at: string
  readonly by: string
}

/**
 * The board's rows: the only code that writes SQL for `board_groups` and `board_memberships`. Reads outside a unit of
 * work for the pages; every write takes the service's unit of work and opens no transaction. Built on the partnership's
 * scoped handle, so every query is the partnership's.
 */
export interface BoardRepository {
  /** The board first, then groups by their order and name. */
  listGroups(): Promise<BoardGroup[]>
  getGroup(id: number): Promise<BoardGroup | null>
  /** Every seat (of one group when given), chairs first, then by organisation. */
  listMemberships(groupId?: number): Promise<Membership[]>
  getMembership(id: number): Promise<Membership | null>
  /** The agencies linked to the partnership (a seat may be one of theirs). */
  listAgencies(): Promise<LinkedAgency[]>
  /** Delivery plan actions that name a delivery group (the service matches names). */
  actionsWithGroups(): Promise<GroupAction[]>

  // ---- Inside a unit of work ------------------------------------------------------------------------------
  groupsIn(uow: UnitOfWork): Promise<BoardGroup[]>
  readGroup(uow: UnitOfWork, id: number): Promise<BoardGroup | null>
  membershipsIn(uow: UnitOfWork, groupId: number): Promise<Membership[]>
  readMembership(uow: UnitOfWork, id: number): Promise<Membership | null>
  insertGroup(
    uow: UnitOfWork,
    kind: 'board' | 'group',
    fields: GroupFields,
    stamp: Stamp,
    illustrative?: boolean,
  ): Promise<number>
  /** Writes the change if the group is still at `version` (raising it by one); false when it was not. */
  updateGroup(
    uow: UnitOfWork,
    id: number,
    version: number,
    change: Partial<GroupFields> & { readonly sort_order?: number },
    stamp: Stamp,
  ): Promise<boolean>
  holdingsOf(uow: UnitOfWork, groupId: number): Promise<GroupHoldings>
  /** Deletes the group if it is still at `version`; false when it was not. */
  deleteGroup(uow: UnitOfWork, id: number, version: number): Promise<boolean>
  insertMembership(
    uow: UnitOfWork,
    groupId: number,
    fields: MembershipFields,
    stamp: Stamp,
    illustrative?: boolean,
  ): Promise<number>
  updateMembership(
    uow: UnitOfWork,
    id: number,
    version: number,
    change: Partial<MembershipFields>,
    stamp: Stamp,
  ): Promise<boolean>
  deleteMembership(uow: UnitOfWork, id: number, version: number): Promise<boolean>
}

function toGroup(row: Selectable<BoardGroupsTable>): BoardGroup {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    parentGroupId: row.parent_group_id,
    purpose: row.purpose,
    termsOfReference: row.terms_of_reference,
    meetingFrequency: row.meeting_frequency,
    quorum: row.quorum,
    sortOrder: row.sort_order,
    illustrative: row.illustrative === 1,
    version: row.version,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  }
}

function toMembership(row: Selectable<BoardMembershipsTable>): Membership {
  return {
    id: row.id,
    groupId: row.group_id,
    personName: row.person_name,
    jobTitle: row.job_title,
    organisation: row.organisation,
    agencyId: row.agency_id,
    sector: row.sector,
    seat: row.seat,
    role: row.role,
    voting: row.voting === 1,
    fromDate: row.from_date,
    toDate: row.to_date,
    illustrative: row.illustrative === 1,
    version: row.version,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  }
}

const ROLE_ORDER: Record<MembershipRole, number> = { chair: 0, 'vice-chair': 1, member: 2, adviser: 3 }

/** Chairs first, then vice-chairs, members and advisers; within each by organisation, then seat and person. */
export function bySeatOrder(a: Membership, b: Membership): number {
  return (
    ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
    a.organisation.localeCompare(b.organisation, 'en-GB') ||
    (a.seat ?? '').localeCompare(b.seat ?? '', 'en-GB') ||
    (a.personName ?? '').localeCompare(b.personName ?? '', 'en-GB') ||
    a.id - b.id
  )
}

function byGroupOrder(a: BoardGroup, b: BoardGroup): number {
  return (
    (a.kind === 'board' ? 0 : 1) - (b.kind === 'board' ? 0 : 1) ||
    a.sortOrder - b.sortOrder ||
    a.name.localeCompare(b.name, 'en-GB') ||
    a.id - b.id
  )
}

/**
 * @example
 *   const board = createBoardRepository(scopeToPartnership(database, partnershipId))
 *   const groups = await board.listGroups()
 */
export function createBoardRepository(database: Database): BoardRepository {
  const db = database.db
  type Executor = Database['db'] | UnitOfWork['trx']

  const groups = async (executor: Executor) =>
    (await executor.selectFrom('board_groups').selectAll().execute()).map(toGroup).sort(byGroupOrder)
  const group = async (executor: Executor, id: number) => {
    const row = await executor.selectFrom('board_groups').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toGroup(row) : null
  }
  const memberships = async (executor: Executor, groupId?: number) => {
    let query = executor.selectFrom('board_memberships').selectAll()
    if (groupId !== undefined) query = query.where('group_id', '=', groupId)
    return (await query.execute()).map(toMembership).sort(bySeatOrder)
  }
  const membership = async (executor: Executor, id: number) => {
    const row = await executor.selectFrom('board_memberships').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toMembership(row) : null
  }

  return {
    listGroups: () => groups(db),
    getGroup: (id) => group(db, id),
    listMemberships: (groupId) => memberships(db, groupId),
    getMembership: (id) => membership(db, id),

    listAgencies: () => listPartnershipAgencies(database),

    async actionsWithGroups() {
      const rows = await db
        .selectFrom('plan_actions')
        .select(['id', 'reference', 'title', 'status', 'delivery_group'])
        .where('delivery_group', 'is not', null)
        .orderBy('reference')
        .execute()
      return rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        title: r.title,
        status: r.status,
        deliveryGroup: r.delivery_group ?? '',
      }))
    },

    groupsIn: (uow) => groups(uow.trx),
    readGroup: (uow, id) => group(uow.trx, id),
    membershipsIn: (uow, groupId) => memberships(uow.trx, groupId),
    readMembership: (uow, id) => membership(uow.trx, id),

    async insertGroup(uow, kind, fields, stamp, illustrative = false) {
      const last = await uow.trx
        .selectFrom('board_groups')
        .select((eb) => eb.fn.max('sort_order').as('last'))
        .executeTakeFirst()
      const row = await uow.trx
        .insertInto('board_groups')
        .values({
          ...fields,
          kind,
          sort_order: Number(last?.last ?? 0) + 1,
          illustrative: illustrative ? 1 : 0,
          version: 1,
          created_at: stamp.at,
          updated_at: stamp.at,
          updated_by: stamp.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },

    async updateGroup(uow, id, version, change, stamp) {
      const result = await uow.trx
        .updateTable('board_groups')
        .set({ ...change, version: version + 1, updated_at: stamp.at, updated_by: stamp.by })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    async holdingsOf(uow, groupId) {
      const [members, meetings, subGroups] = await Promise.all([
        uow.trx
          .selectFrom('board_memberships')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('group_id', '=', groupId)
          .executeTakeFirstOrThrow(),
        uow.trx
          .selectFrom('board_meetings')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('group_id', '=', groupId)
          .executeTakeFirstOrThrow(),
        uow.trx
          .selectFrom('board_groups')
          .select('name')
          .where('parent_group_id', '=', groupId)
          .orderBy('name')
          .execute(),
      ])
      return { members: Number(members.n), meetings: Number(meetings.n), subGroups: subGroups.map((g) => g.name) }
    },

    async deleteGroup(uow, id, version) {
      const result = await uow.trx
        .deleteFrom('board_groups')
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst()
      return Number(result.numDeletedRows) === 1
    },

    async insertMembership(uow, groupId, fields, stamp, illustrative = false) {
      const row = await uow.trx
        .insertInto('board_memberships')
        .values({
          ...fields,
          group_id: groupId,
          illustrative: illustrative ? 1 : 0,
          version: 1,
          created_at: stamp.at,
          updated_at: stamp.at,
          updated_by: stamp.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },

    async updateMembership(uow, id, version, change, stamp) {
      const result = await uow.trx
        .updateTable('board_memberships')
        .set({ ...change, version: version + 1, updated_at: stamp.at, updated_by: stamp.by })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    async deleteMembership(uow, id, version) {
      const result = await uow.trx
        .deleteFrom('board_memberships')
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst()
      return Number(result.numDeletedRows) === 1
    },
  }
}
