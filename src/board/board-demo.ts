import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { createBoardRepository, type BoardGroup, type Membership, type MembershipFields } from './board-repository.ts'
import { auditGroup, auditMembership, groupNameKey } from './board-service.ts'
import type { Sector } from './board-tables.ts'

/**
 * The demo's board and delivery structure, read from the seed report (Safer Wolverhampton Partnership Annual Report
 * 2017-2018):
 *
 * - The board: "SWP Board meets quarterly". Its named people (the chair's introduction): Chair Mark Taylor, City of
 *   Wolverhampton Council; Vice Chair Chief Superintendent Jayne Meir (West Midlands Police, the force she serves in);
 *   Councillors Paul Sweet and Hazel Malcolm, City of Wolverhampton Council. Then one seat per organisation of Appendix
 *   B's list that those four do not already hold: the business sector, the Clinical Commissioning Group (health), the
 *   Community Rehabilitation Company and the National Probation Service (probation), Her Majesty's Prison Service,
 *   the constituencies' resident representatives ("one for each constituency area": Wolverhampton's three, North
 *   East, South East and South West), the third-sector organisations Appendix B names, West Midlands Fire Service and
 *   the Youth Police & Crime Commissioners.
 * - The groups the text names, each under the board (the seed draws no deeper structure): Black Country Strategic
 *   Group (with the membership the seed lists), Gangs Steering Group, WDVF Executive Board, MARAC, Community Cohesion
 *   Forum, Channel Panel, Contest Board; and the Wolverhampton Business Crime Reduction Group, which the plan's
 *   actions name as a delivery group. ("VAWG Service Transformation Fund", also named by actions, is a fund, not a
 *   group: left out.) Each purpose is in the seed's words.
 *
 * What the seed does not give is not made up where it can be left empty (people's names for most seats, dates,
 * groups' frequencies and quorums stay empty: the pages say "Not recorded"). Stored `illustrative = 1` and labelled:
 * the board's quorum (5: the meetings need one to apply the quorum rule), the seats whose sector is our reading
 * (Her Majesty's Prison Service as "other", the Youth Police & Crime Commissioners, Rakegate Residents' Association
 * as third sector), and the Business Crime Reduction Group's place under the board. Every seat is read as a voting
 * member unless the seed names its role.
 *
 * Idempotent: a board or group already there (by name) is left as it is, with its seats; only what is missing is
 * added, in one audited unit of work.
 */
interface DemoSeat {
  readonly organisation: string
  readonly sector: Sector
  readonly role?: 'chair' | 'vice-chair' | 'member' | 'adviser'
  readonly person?: string
  readonly jobTitle?: string
  readonly seat?: string
  /** A demo agency's code (src/accounts/default-agencies.ts), linked when the partnership has it. */
  readonly agency?: string
  readonly illustrative?: true
}

interface DemoGroup {
  readonly name: string
  readonly purpose?: string
  readonly frequency?: string
  readonly quorum?: number
  readonly seats: readonly DemoSeat[]
  readonly illustrative?: true
}

const COUNCIL = 'City of Wolverhampton Council'

const BOARD: DemoGroup = {
  name: 'SWP Board',
  purpose:
    'Meets quarterly, not only to fulfil its statutory duties as set out in legislation, but also to agree plans and strategies to tackle crime and community safety issues across the city’s neighbourhoods. It oversees a delivery structure formed to lead on meeting specific objectives in line with the overarching strategic priorities.',
  frequency: 'Quarterly',
  quorum: 5,
  illustrative: true,
  seats: [
    { organisation: COUNCIL, sector: 'council', role: 'chair', person: 'Mark Taylor' },
    {
      organisation: 'West Midlands Police',
      sector: 'police',
      role: 'vice-chair',
      person: 'Jayne Meir',
      jobTitle: 'Chief Superintendent',
      agency: 'WMP',
    },
    { organisation: COUNCIL, sector: 'council', person: 'Paul Sweet', jobTitle: 'Councillor' },
    { organisation: COUNCIL, sector: 'council', person: 'Hazel Malcolm', jobTitle: 'Councillor' },
    { organisation: 'Business sector', sector: 'business' },
    { organisation: 'Clinical Commissioning Group', sector: 'health' },
    { organisation: 'Community Rehabilitation Company', sector: 'probation' },
    ...['Wolverhampton North East', 'Wolverhampton South East', 'Wolverhampton South West'].map(
      (constituency): DemoSeat => ({
        organisation: 'Resident representative',
        sector: 'resident',
        seat: `Resident representative, ${constituency}`,
      }),
    ),
    { organisation: 'Her Majesty’s Prison Service', sector: 'other', illustrative: true },
    { organisation: 'National Probation Service', sector: 'probation' },
    { organisation: 'Rakegate Resident’s Association', sector: 'voluntary', illustrative: true },
    { organisation: 'Wolverhampton Domestic Violence Forum', sector: 'voluntary', agency: 'WDVF' },
    { organisation: 'P3', sector: 'voluntary' },
    { organisation: 'Victim Support', sector: 'voluntary' },
    { organisation: 'St George’s Hub', sector: 'voluntary' },
    { organisation: 'West Midlands Fire Service', sector: 'fire-and-rescue', agency: 'WMFS' },
    { organisation: 'Youth Police & Crime Commissioners', sector: 'police-and-crime-commissioner', illustrative: true },
  ],
}
export const DEMO_BOARD: DemoGroup = Object.freeze(BOARD)

export const DEMO_GROUPS: readonly DemoGroup[] = Object.freeze([
  {
    name: 'Black Country Strategic Group',
    purpose:
      'Developed to reduce the number of local meetings and to allow the Black Country areas to share best practice and work collaboratively to reduce reoffending.',
    seats: [
      ...['Wolverhampton', 'Walsall', 'Dudley', 'Sandwell'].map((area): DemoSeat => ({
        organisation: `${area} Community Safety Partnership`,
        sector: 'other',
      })),
      { organisation: 'Community Rehabilitation Company', sector: 'probation' },
      { organisation: 'Black Country Court Representative', sector: 'other' },
      { organisation: 'West Midlands Police', sector: 'police', agency: 'WMP' },
      { organisation: 'National Probation Service', sector: 'probation' },
      { organisation: 'Youth Offending Teams', sector: 'youth-offending', agency: 'YOT' },
    ],
  },
  {
    name: 'Gangs Steering Group',
    purpose:
      'Works with Early Help and Social Care, the police and SWP to identify young people of concern so that interventions are targeted at those most at risk.',
    seats: [],
  },
  {
    name: 'WDVF Executive Board',
    purpose: 'Drives delivery of the violence against women and girls action plans.',
    seats: [],
  },
  {
    name: 'MARAC',
    purpose: 'The multi-agency risk assessment conference: discusses high-risk cases of domestic abuse.',
    seats: [],
  },
  {
    name: 'Community Cohesion Forum',
    purpose:
      'The city’s dedicated forum, formed of statutory agencies, community groups, councillors and the faith sector.',
    seats: [],
  },
  {
    name: 'Channel Panel',
    purpose:
      'Well attended by partner agencies (Prevent: to stop people from becoming terrorists or supporting terrorism).',
    seats: [],
  },
  {
    name: 'Contest Board',
    purpose: 'Contest is organised around four principal work streams: Pursue, Prevent, Protect and Prepare.',
    seats: [],
  },
  {
    name: 'Wolverhampton Business Crime Reduction Group',
    purpose:
      'Works with owners of small and medium enterprises to raise awareness and build resilience, helping them to protect themselves from becoming victims of crime.',
    illustrative: true,
    seats: [],
  },
])

/** Loads what is missing of the demo's board and groups; returns how many rows it added. */
export async function loadDemoBoard(
  dependencies: { readonly database: Database; readonly audit: Pick<AuditRepository, 'appendAll'> },
  actor: string,
  now: () => Date = () => new Date(),
): Promise<number> {
  const { database, audit } = dependencies
  const repository = createBoardRepository(database)
  const agencies = await repository.listAgencies()
  return inUnitOfWork(database, async (uow) => {
    const stamp = { at: now().toISOString(), by: actor }
    const events: AuditEventInput[] = []
    const existing = await repository.groupsIn(uow)
    const found = (name: string) => existing.find((g) => groupNameKey(g.name) === groupNameKey(name))

    const addSeats = async (groupId: number, seats: readonly DemoSeat[]) => {
      for (const s of seats) {
        const fields: MembershipFields = {
          person_name: s.person ?? null,
          job_title: s.jobTitle ?? null,
          organisation: s.organisation,
          agency_id: agencies.find((a) => a.code === s.agency)?.id ?? null,
          sector: s.sector,
          seat: s.seat ?? null,
          role: s.role ?? 'member',
          voting: 1,
          from_date: null,
          to_date: null,
        }
        const id = await repository.insertMembership(uow, groupId, fields, stamp, s.illustrative === true)
        const after = (await repository.readMembership(uow, id)) as Membership
        events.push({
          actor,
          action: 'create',
          entityType: 'board-membership',
          entityKey: String(id),
          before: null,
          after: auditMembership(after),
        })
      }
    }
    const addGroup = async (demo: DemoGroup, kind: 'board' | 'group', parent: number | null) => {
      const id = await repository.insertGroup(
        uow,
        kind,
        {
          name: demo.name,
          parent_group_id: parent,
          purpose: demo.purpose ?? null,
          terms_of_reference: null,
          meeting_frequency: demo.frequency ?? null,
          quorum: demo.quorum ?? null,
        },
        stamp,
        demo.illustrative === true,
      )
      const after = (await repository.readGroup(uow, id)) as BoardGroup
      events.push({
        actor,
        action: 'create',
        entityType: 'board-group',
        entityKey: String(id),
        before: null,
        after: auditGroup(after),
      })
      await addSeats(id, demo.seats)
      return id
    }

    const board = existing.find((g) => g.kind === 'board')
    const boardId = board ? board.id : await addGroup(DEMO_BOARD, 'board', null)
    for (const group of DEMO_GROUPS) if (!found(group.name)) await addGroup(group, 'group', boardId)
    if (events.length > 0) await audit.appendAll(uow.trx, events)
    return events.length
  })
}
