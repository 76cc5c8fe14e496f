import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { ReportingCentreRepository } from './reporting-centre-repository.ts'
import type { Strand } from './reporting-centre-rules.ts'
import type { TensionRepository } from './tension-repository.ts'
import { monthsOfFinancialYear, type TensionCategory, type TensionStatus } from './tension-rules.ts'

/**
 * Wolverhampton's 20 wards as they were in 2017-18 (before the 2023 boundary review), by name: the areas the demo's
 * tensions and centres are in. Their ONS codes are left empty rather than typed from memory.
 */
export const DEMO_WARDS = [
  'Bilston East',
  'Bilston North',
  'Blakenhall',
  'Bushbury North',
  'Bushbury South and Low Hill',
  'East Park',
  'Ettingshall',
  'Fallings Park',
  'Graiseley',
  'Heath Town',
  'Merry Hill',
  'Oxley',
  'Park',
  'Penn',
  "St Peter's",
  'Spring Vale',
  'Tettenhall Regis',
  'Tettenhall Wightwick',
  'Wednesfield North',
  'Wednesfield South',
] as const

/** The seed says "20 third-party reporting centres in the City"; which ones, where and their details it does not say. */
export const DEMO_CENTRE_COUNT = 20

const KINDS = ['Community library', 'Community centre', 'Faith centre', 'Advice centre', 'Youth club'] as const
/** Wards given no centre, so that the coverage page has gaps to show. */
const WARDS_WITHOUT = new Set(['Oxley', 'Tettenhall Wightwick', 'Penn'])
const STRAND_SETS: readonly (readonly Strand[])[] = [
  ['race', 'religion', 'sexual-orientation', 'disability', 'transgender-identity', 'alternative-subculture'],
  ['race', 'religion'],
  ['disability'],
  ['sexual-orientation', 'transgender-identity'],
  ['race', 'religion', 'disability'],
]

/** The wards the demo assesses monthly, and each one's level by month (April 2017 to March 2018): illustrative. */
const DEMO_ASSESSMENTS: Readonly<Record<string, readonly number[]>> = {
  "St Peter's": [2, 2, 3, 3, 2, 2, 2, 3, 2, 2, 1, 2],
  'Heath Town': [2, 3, 3, 4, 3, 2, 2, 2, 2, 3, 2, 2],
  Park: [1, 1, 2, 2, 2, 1, 1, 1, 2, 1, 1, 1],
  'Bilston East': [2, 2, 2, 2, 3, 3, 2, 2, 2, 2, 2, 1],
}

const DEMO_ENTRIES: readonly {
  reference: string
  entryDate: string
  ward: string
  source: string
  category: TensionCategory
  level: number
  description: string
  response: string
  owner: string
  status: TensionStatus
  reviewDate: string | null
  closedOn: string | null
}[] = [
  {
    reference: 'CT-2017-001',
    entryDate: '2017-07-06',
    ward: 'Heath Town',
    source: 'Neighbourhood policing team',
    category: 'experienced',
    level: 4,
    description: 'Illustrative: graffiti targeting a community group reported near a shopping parade.',
    response: 'Graffiti removed within 24 hours; increased patrols; reassurance visits to local groups.',
    owner: 'West Midlands Police',
    status: 'closed',
    reviewDate: '2017-08-03',
    closedOn: '2017-08-03',
  },
  {
    reference: 'CT-2017-002',
    entryDate: '2017-11-02',
    ward: "St Peter's",
    source: 'Community Cohesion Forum',
    category: 'potential',
    level: 3,
    description: 'Illustrative: a planned demonstration by an out-of-area group announced on social media.',
    response: 'Multi-agency planning meeting; faith and community leaders briefed; event monitored.',
    owner: 'City of Wolverhampton Council',
    status: 'closed',
    reviewDate: '2017-11-30',
    closedOn: '2017-12-01',
  },
  {
    reference: 'CT-2018-001',
    entryDate: '2018-02-15',
    ward: 'Bilston East',
    source: 'Third-party reporting centre',
    category: 'evidenced',
    level: 2,
    description: 'Illustrative: a rise in reports of verbal abuse at a bus interchange.',
    response: 'Transport partners and police share patrol times; signage on how to report.',
    owner: 'West Midlands Police',
    status: 'monitoring',
    reviewDate: '2018-04-30',
    closedOn: null,
  },
  {
    reference: 'CT-2018-002',
    entryDate: '2018-03-08',
    ward: 'Park',
    source: 'Council community safety team',
    category: 'potential',
    level: 2,
    description: 'Illustrative: an anniversary event expected to draw large crowds.',
    response: 'Event safety advisory group to review the plan.',
    owner: 'City of Wolverhampton Council',
    status: 'open',
    reviewDate: '2018-05-01',
    closedOn: null,
  },
]

/**
 * The demo partnership's wards, 20 reporting centres with a year of quarterly reports, a year of monthly tension
 * assessments for four wards and four log entries: all illustrative (`illustrative = 1`) except the wards' names.
 * Loading again adds only what is missing and changes nothing already there.
 */
export async function loadDemoTensions(
  deps: {
    readonly database: Database
    readonly tensions: TensionRepository
    readonly centres: ReportingCentreRepository
    /** The partnership's wards in the ONS lookup: the demo's wards take their codes from it. */
    readonly onsWards?: () => readonly { readonly code: string; readonly name: string }[]
  },
  actor: string,
): Promise<void> {
  const { tensions, centres } = deps
  await inUnitOfWork(deps.database, async (uow) => {
    const codeOf = new Map((deps.onsWards?.() ?? []).map((w) => [w.name, w.code]))
    const held = await tensions.wards(uow)
    const known = new Set(held.map((w) => w.name))
    for (const name of DEMO_WARDS)
      if (!known.has(name))
        await tensions.addWard(uow, { name, onsCode: codeOf.get(name) ?? null, illustrative: false }, actor, null)
    for (const ward of held)
      if (ward.onsCode === null && codeOf.has(ward.name))
        await tensions.setWardCode(uow, ward.id, codeOf.get(ward.name) as string, actor, null)
    const wardId = new Map((await tensions.wards(uow)).map((w) => [w.name, w.id]))

    const existing = new Set((await centres.centres(uow)).map((c) => c.organisation))
    const hosts = DEMO_WARDS.filter((w) => !WARDS_WITHOUT.has(w))
    for (let i = 0; i < DEMO_CENTRE_COUNT; i++) {
      const ward = hosts[i % hosts.length] as string
      const organisation = `${KINDS[i % KINDS.length]}, ${ward} (illustrative)`
      if (existing.has(organisation)) continue
      await centres.saveCentre(
        uow,
        {
          organisation,
          wardId: wardId.get(ward) as number,
          strands: STRAND_SETS[i % STRAND_SETS.length] as Strand[],
          trainedStaff: 1 + (i % 4),
          trainingDates: i % 3 === 0 ? ['2016-10-12', '2017-09-20'] : ['2017-09-20'],
          // Most checked within six months of the demo's year end; every fourth not since 2017, so it is due.
          lastCheckedOn: i % 4 === 3 ? '2017-06-14' : '2018-03-07',
          illustrative: true,
        },
        actor,
        null,
      )
    }
    const all = await centres.centres(uow)
    const quarters = await centres.quarters(uow, { quarterPrefix: 'FY2017-18-' })
    for (const [i, centre] of all.filter((c) => c.illustrative).entries())
      for (const q of [1, 2, 3, 4]) {
        const quarter = `FY2017-18-Q${q}`
        if (quarters.some((x) => x.centreId === centre.id && x.quarter === quarter)) continue
        const taken = (i * 3 + q * 2) % 7
        await centres.saveQuarter(
          uow,
          {
            centreId: centre.id,
            quarter,
            reportsTaken: taken,
            passedToPolice: Math.floor((taken * 2) / 3),
            illustrative: true,
          },
          actor,
          null,
        )
      }

    const months = monthsOfFinancialYear('FY2017-18')
    const assessed = new Set((await tensions.assessments(uow)).map((a) => `${a.wardId}/${a.month}`))
    for (const [ward, levels] of Object.entries(DEMO_ASSESSMENTS)) {
      const id = wardId.get(ward) as number
      for (const [m, month] of months.entries()) {
        if (assessed.has(`${id}/${month}`)) continue
        await tensions.saveAssessment(
          uow,
          {
            month,
            wardId: id,
            level: levels[m] as number,
            note: 'Illustrative assessment (not Wolverhampton’s).',
            meetingId: null,
            illustrative: true,
          },
          actor,
          null,
        )
      }
    }

    const references = new Set((await tensions.entries(uow)).map((e) => e.reference))
    for (const e of DEMO_ENTRIES) {
      if (references.has(e.reference)) continue
      await tensions.addEntry(
        uow,
        {
          reference: e.reference,
          entryDate: e.entryDate,
          wardId: wardId.get(e.ward) as number,
          source: e.source,
          reportingCentreId: null,
          category: e.category,
          level: e.level,
          description: e.description,
          response: e.response,
          responseOwner: e.owner,
          status: e.status,
          reviewDate: e.reviewDate,
          closedOn: e.closedOn,
          illustrative: true,
        },
        actor,
        null,
      )
    }
  })
}
