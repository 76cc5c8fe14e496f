import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { RECORD_TYPES, type RecordType, type RegisterTable, type StoredValue } from './prevent-record-types.ts'
import type { PreventRepository } from './prevent-repository.ts'

/**
 * The demo partnership's Prevent and engagement registers, from the seed report (Wolverhampton, 2017-18):
 *
 * - Prevent referrals by quarter, from Appendix C's "Number of Prevent referrals received" row (source WMP CTU). The
 *   row's columns pair each quarter's 2016/17 figure with its 2017/18 one: 13/23, 11/9, 15/12, 10/11. So 2016-17 is
 *   13 + 11 + 15 + 10 = 49 (the row's "Baseline 49") and 2017-18 is 23 + 9 + 12 + 11 = 55, the narrative's "increased
 *   from 49 to 55". Not illustrative.
 * - The local risk assessment: a tier 3 (low-risk) area that receives no Home Office Prevent funding (the seed's
 *   words); its date is not given, so the row is illustrative.
 * - WRAP in 100% of schools: the seed does not give the number or names of the schools, so the register holds twelve
 *   "Illustrative school" rows and one WRAP delivery at each (illustrative dates, sessions and attendees).
 * - The Channel Panel and the Contest Board: the seed says they are well attended, nothing more; four quarterly
 *   meetings of each are illustrative (Channel's case counts small, as a real panel's are, to show their suppression).
 * - The Wolverhampton Faith Covenant with 15 signatories (issue 12's count): "Faith organisation 1" to 15, illustrative.
 * - The engagement the seed names: the hate crime stand at Wolverhampton Pride 2017, the Council's equalities events
 *   group, PACT meetings, questionnaires and surveys, and the social media presence (217 Twitter and 134 Facebook
 *   followers, the seed's figures as the reach). Their dates are not given: illustrative.
 *
 * Idempotent: each register is loaded only while it is empty, in one audited unit of work, so `saferhub demo load`
 * completes an older demo without doubling anything.
 */
export async function loadDemoPrevent(
  dependencies: { readonly database: Database; readonly repository: PreventRepository },
  actor: string,
): Promise<number> {
  const { database, repository } = dependencies
  const type = (table: RegisterTable) => RECORD_TYPES.find((t) => t.table === table) as RecordType
  return inUnitOfWork(database, async (uow) => {
    let loaded = 0
    const fill = async (table: RegisterTable, rows: readonly DemoRow[]): Promise<number[]> => {
      const t = type(table)
      if ((await repository.list(uow, t)).length > 0) return []
      const ids: number[] = []
      for (const { illustrative, ...values } of rows) {
        const stored = values as Record<string, StoredValue>
        ids.push(await repository.insert(uow, t, stored, { actor, requestId: null, illustrative }))
        loaded += 1
      }
      return ids
    }

    await arrangements(uow, repository, actor)

    await fill('prevent_referral_counts', [
      ...[13, 11, 15, 10].map((n, i) => ({
        quarter: `FY2016-17-Q${i + 1}`,
        referrals: n,
        source: 'WMP CTU',
        illustrative: false,
      })),
      ...[23, 9, 12, 11].map((n, i) => ({
        quarter: `FY2017-18-Q${i + 1}`,
        referrals: n,
        source: 'WMP CTU',
        illustrative: false,
      })),
    ])

    await fill('prevent_risk_assessments', [
      {
        assessed_on: '2017-04-01',
        tier: '3',
        summary:
          'Wolverhampton continues to be considered a low-risk (tier 3) area, and as such does not receive Home Office funding.',
        review_on: '2018-04-01',
        illustrative: true,
      },
    ])

    const schools = Array.from({ length: SCHOOLS }, (_, i) => i + 1)
    let schoolIds = await fill(
      'prevent_register_settings',
      schools.map((n) => ({ kind: 'school', name: `Illustrative school ${n}`, reference: null, illustrative: true })),
    )
    if (schoolIds.length === 0) schoolIds = (await repository.settings(uow)).map((c) => Number(c.value))
    await fill(
      'prevent_training',
      schoolIds.map((settingId, i) => ({
        course: 'WRAP',
        // Spread over the school year's terms within 2017-18: May, June, then September to March.
        delivered_on: DELIVERY_DATES[i % DELIVERY_DATES.length] as string,
        sessions: 1,
        attendees: 18 + (i % 5) * 3,
        audience_organisation: null,
        setting_id: settingId,
        illustrative: true,
      })),
    )

    await fill(
      'channel_panel_meetings',
      QUARTER_MEETINGS.map((date, i) => ({
        meeting_date: date,
        attendance: [11, 12, 10, 12][i] as number,
        cases_discussed: [6, 4, 5, 7][i] as number,
        cases_adopted: [2, 1, 2, 3][i] as number,
        cases_closed: [1, 2, 1, 2][i] as number,
        illustrative: true,
      })),
    )
    await fill(
      'prevent_meetings',
      QUARTER_MEETINGS.map((date, i) => ({
        body: 'Contest Board',
        meeting_date: date,
        attendance: [14, 13, 15, 12][i] as number,
        board_meeting_id: null,
        illustrative: true,
      })),
    )

    const statutory = (await repository.strategicPriorities(uow)).find((p) => p.text.startsWith('Statutory Functions'))
    const priority = statutory ? Number(statutory.value) : null
    await fill('engagement_activities', [
      activity('event', 'Hate crime stand at Wolverhampton Pride 2017', '2017-07-15', priority, 'Residents at Pride'),
      activity('event', 'Council equalities events group: engagement planning', '2017-10-10', priority, 'Partners'),
      activity(
        'pact-meeting',
        'PACT meetings (Partners and Communities Together)',
        '2017-06-20',
        priority,
        'Residents',
      ),
      activity('survey', 'Questionnaire seeking residents’ views', '2017-11-01', null, 'Residents'),
      { ...activity('social-media', 'SWP Twitter account', '2018-03-31', null, 'Residents'), reach: 217 },
      { ...activity('social-media', 'SWP Facebook page', '2018-03-31', null, 'Residents'), reach: 134 },
    ])

    await fill(
      'covenant_signatories',
      Array.from({ length: 15 }, (_, i) => ({
        covenant: 'Wolverhampton Faith Covenant',
        organisation: `Faith organisation ${i + 1}`,
        sector: 'faith',
        signed_on: i < 10 ? '2017-11-16' : '2018-02-14',
        illustrative: true,
      })),
    )
    return loaded
  })
}

/** A demo row: its columns, and whether the seed gives it (`illustrative: false`) or not. */
type DemoRow = { readonly illustrative: boolean } & { readonly [column: string]: StoredValue | boolean }

/** The number of illustrative schools (the seed gives none). */
export const SCHOOLS = 12
const DELIVERY_DATES = [
  '2017-05-10',
  '2017-06-14',
  '2017-09-20',
  '2017-10-18',
  '2017-11-15',
  '2018-01-17',
  '2018-02-21',
  '2018-03-14',
]
const QUARTER_MEETINGS = ['2017-06-08', '2017-09-14', '2017-12-07', '2018-03-08']

function activity(type: string, title: string, heldOn: string, priority: number | null, audience: string): DemoRow {
  return {
    activity_type: type,
    title,
    held_on: heldOn,
    priority_id: priority,
    audience,
    organisations: null,
    reach: null,
    participants: null,
    illustrative: true,
  }
}

/** The seed's Prevent plan is the plan's delivery priority for Prevent; its KPI is the framework's Prevent referrals. */
async function arrangements(uow: UnitOfWork, repository: PreventRepository, actor: string): Promise<void> {
  const current = await repository.arrangements(uow)
  if (current.planDeliveryPriorityId !== null || current.referralsIndicatorId !== null || current.boardGroupId !== null)
    return
  const priority = (await repository.deliveryPriorities(uow)).find((p) =>
    p.text.startsWith('Deliver Wolverhampton’s response to the Prevent duty (FY2017-18)'),
  )
  await repository.saveArrangements(
    uow,
    {
      boardGroupId: null,
      planDeliveryPriorityId: priority ? Number(priority.value) : null,
      referralsIndicatorId: 'prevent-referrals',
    },
    { actor, requestId: null },
  )
}
