import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { createActionRepository, type Milestone, type PlanAction } from './action-repository.ts'
import { auditForm } from './action-service.ts'
import type { ActionStatus } from './plan-tables.ts'

/**
 * The demo's delivery plan actions: things the seed report (Safer Wolverhampton Partnership Annual Report 2017-2018)
 * says were done or are under way, in its own words, with the status its words give ("have been refreshed":
 * complete; "has commenced": on track; "there are proposals to": not started). The priority each serves is looked up
 * by name among the strategic priorities already loaded (the strategy's demo loader runs first); an action whose
 * priority is not there is not loaded, since an action must serve a priority. The seed gives almost no dates: those
 * it does not give are left empty. Two actions (VAWG-6, RR-4) carry a status or date the seed does not give, to show the dashboard's
 * flags: they are stored `illustrative` and every page says so.
 */
interface DemoAction {
  readonly reference: string
  readonly title: string
  /** The seed's words. */
  readonly description: string
  readonly priority: string
  /** A delivery priority of 2017/18 under `priority` (the seed's "Year one delivery"), linked when loaded. */
  readonly deliveryPriority?: string
  readonly group?: string
  /** An agency code of the demo's agencies (src/accounts/default-agencies.ts); none where the seed names none. */
  readonly lead?: string
  readonly status: ActionStatus
  readonly dueDate?: string
  readonly milestones?: readonly Milestone[]
  readonly illustrative?: true
}

const VICTIMISATION = 'Reducing Victimisation'
const REOFFENDING = 'Reducing Reoffending'
const VIOLENCE = 'Violence Prevention'
const STATUTORY = 'Statutory Functions'

export const DEMO_ACTIONS: readonly DemoAction[] = Object.freeze([
  {
    reference: 'VAWG-1',
    title: 'Refresh the terms of reference, membership and frequency of meetings of the WDVF Executive Board',
    description:
      'Terms of reference, membership, and frequency of meetings for the WDVF Executive Board have been refreshed to drive delivery of the action plans.',
    priority: VICTIMISATION,
    group: 'WDVF Executive Board',
    lead: 'WDVF',
    status: 'complete',
  },
  {
    reference: 'VAWG-2',
    title: 'Deliver eight VAWG awareness raising sessions at the Refugee and Migrant Centre',
    description:
      'Successful delivery of eight VAWG awareness raising sessions at the Refugee and Migrant Centre, directly engaging with newly emerging communities.',
    priority: VICTIMISATION,
    group: 'WDVF Executive Board',
    lead: 'WDVF',
    status: 'complete',
  },
  {
    reference: 'VAWG-3',
    title: 'Orange the World Campaign to raise awareness of VAWG',
    description: 'A successful Orange the World Campaign to raise awareness of VAWG involving over 100 organisations.',
    priority: VICTIMISATION,
    group: 'WDVF Executive Board',
    lead: 'WDVF',
    status: 'complete',
  },
  {
    reference: 'VAWG-4',
    title: 'Refresh and expand the WDVF training plan to encompass hidden crimes',
    description:
      'WDVF training plan has been refreshed and expanded to encompass hidden crimes including ‘so called’ honour-based violence, forced marriage, and FGM.',
    priority: VICTIMISATION,
    group: 'WDVF Executive Board',
    lead: 'WDVF',
    status: 'complete',
  },
  {
    reference: 'VAWG-5',
    title: 'Develop a new rape and sexual violence training session',
    description:
      'Development of a new rape and sexual violence training session, to date it has been delivered to 33 professionals.',
    priority: VICTIMISATION,
    group: 'WDVF Executive Board',
    lead: 'WDVF',
    status: 'on-track',
  },
  {
    reference: 'VAWG-6',
    title: 'Raise early non-Police referrals to MARAC to the target of 40%',
    description:
      'Early non-Police referrals increased to 37% towards the target of 40% (from 25% in 2015-16 and 31% in 2016-2017).',
    priority: VICTIMISATION,
    group: 'WDVF Executive Board',
    lead: 'WDVF',
    // The seed says "towards the target": "at risk" is the demo's, to show the flag.
    status: 'at-risk',
    illustrative: true,
  },
  {
    reference: 'VAWG-7',
    title: 'Provide a community-based perpetrator programme catering for standard risk',
    description:
      'VAWG Service Transformation Fund, behaviour change and accountability: provision of a community-based perpetrator programme catering for standard risk. Early achievement: domestic violence perpetrator programme commenced.',
    priority: VICTIMISATION,
    group: 'VAWG Service Transformation Fund',
    lead: 'SWP',
    status: 'on-track',
  },
  {
    reference: 'VAWG-8',
    title: 'Provide a Criminal Justice IDVA to increase positive outcomes in court',
    description:
      'Provision of a Criminal Justice IDVA to increase positive outcomes in court. Early achievement: criminal justice IDVA appointed.',
    priority: VICTIMISATION,
    group: 'VAWG Service Transformation Fund',
    lead: 'SWP',
    status: 'on-track',
  },
  {
    reference: 'VAWG-9',
    title: 'GP training and support',
    description:
      'Providing education, training and support to GPs and clinical staff. Early achievements: training commenced February 2018; drop-in provision commenced 1 March 2018.',
    priority: VICTIMISATION,
    group: 'VAWG Service Transformation Fund',
    lead: 'SWP',
    status: 'on-track',
    milestones: [{ title: 'Drop-in provision commenced', dueDate: null, completedOn: '2018-03-01' }],
  },
  {
    reference: 'VAWG-10',
    title: 'Safer Homes Scheme',
    description:
      'City-wide model for identifying and supporting victims of abuse to remain safely in their homes. Early achievements: protocol established; vulnerability assessments commenced.',
    priority: VICTIMISATION,
    group: 'VAWG Service Transformation Fund',
    lead: 'SWP',
    status: 'on-track',
  },
  {
    reference: 'BC-1',
    title: 'Business Crime Reviews at locations where crime has taken place',
    description:
      'Wolverhampton Business Crime Reduction Group, with West Midlands Fire Service and West Midlands Police: 14 Business Crime Reviews at locations where crime has taken place; 40 Cyber Crime awareness sessions.',
    priority: VICTIMISATION,
    deliveryPriority: 'Improve confidence and reduce the impact and prevalence of business crime',
    group: 'Wolverhampton Business Crime Reduction Group',
    status: 'on-track',
  },
  {
    reference: 'RR-1',
    title: 'Develop a Black Country Reducing Reoffending Strategy',
    description:
      'Work has begun on a Black Country Reducing Reoffending Strategy which will complement and align with the Black Country Strategic Group. SWP are leading on this work in close collaboration with the other Black Country CSPs.',
    priority: REOFFENDING,
    group: 'Black Country Strategic Group',
    lead: 'SWP',
    status: 'on-track',
  },
  {
    reference: 'RR-2',
    title: 'Recommission the city’s substance misuse service',
    description:
      'Recovery Near You were recommissioned during 2017 to provide the City’s substance misuse service, ready for the new service to begin 1 April 2018.',
    priority: REOFFENDING,
    deliveryPriority: 'Tackle substance misuse amongst those within the criminal justice system',
    lead: 'PH',
    status: 'complete',
    dueDate: '2018-04-01',
  },
  {
    reference: 'RR-3',
    title: 'Community Resolution Workshops for young people',
    description:
      'The YOT continued to utilise part of the PCC grant to part fund staffing to deliver bespoke Community Resolution Workshops for young people: 175 young people took part in Community Resolution Workshops at The Way Youth Zone.',
    priority: REOFFENDING,
    deliveryPriority: 'Support young people at risk of offending at an early stage',
    lead: 'YOT',
    status: 'on-track',
  },
  {
    reference: 'RR-4',
    title: 'Extend the offer to include ONSET assessment and individual support plans',
    description:
      'For 2019-2020 the offer will be extended to include ONSET assessment and individual support plans for those young people identified at greater risk.',
    priority: REOFFENDING,
    lead: 'YOT',
    status: 'not-started',
    // "For 2019-2020": the end of its first quarter is the demo's date, to show an overdue action.
    dueDate: '2019-06-30',
    illustrative: true,
  },
  {
    reference: 'VP-1',
    title: 'Open the 4th knife bin in Wolverhampton, in Graisley',
    description:
      'During 2017-2018 the 4th knife bin in Wolverhampton was opened in Graisley. This was funded and officially opened by the Police and Crime Commissioner.',
    priority: VIOLENCE,
    group: 'Gangs Steering Group',
    status: 'complete',
  },
  {
    reference: 'VP-2',
    title: 'School Mentoring Programme in 24 targeted primary schools',
    description:
      'Aimed at year 5 & 6 children and rolled out in 24 targeted primary schools in Whitmore Reans and Graiseley. Programme commenced in 14 schools.',
    priority: VIOLENCE,
    deliveryPriority: 'Provide early intervention to deter young people from joining gangs',
    group: 'Gangs Steering Group',
    lead: 'SWP',
    status: 'on-track',
  },
  {
    reference: 'VP-3',
    title: 'Critical call out mediation service',
    description:
      'The Community Reference Group (CRG) was re-commissioned to provide the critical call out mediation service in 2017-2018.',
    priority: VIOLENCE,
    deliveryPriority: 'Provide mediation services to reduce tensions caused by violent conflict',
    group: 'Gangs Steering Group',
    lead: 'SWP',
    status: 'on-track',
  },
  {
    reference: 'VP-4',
    title: 'Family Intervention Project',
    description: 'Delivered by the CRG in partnership with Wolverhampton Police. Delivery has commenced.',
    priority: VIOLENCE,
    group: 'Gangs Steering Group',
    lead: 'WMP',
    status: 'on-track',
  },
  {
    reference: 'SF-1',
    title: 'Develop a Faith Covenant for Wolverhampton',
    description:
      'SWP worked with statutory partners, alongside the third and faith sectors to develop a Faith Covenant for Wolverhampton. 15 organisations have signed up to the Wolverhampton Faith Covenant launched 12 December 2017.',
    priority: STATUTORY,
    deliveryPriority: 'Deliver initiatives to strengthen community cohesion across the city',
    lead: 'SWP',
    status: 'complete',
    milestones: [{ title: 'Faith Covenant launched', dueDate: null, completedOn: '2017-12-12' }],
  },
  {
    reference: 'SF-2',
    title: 'Host a joint DHR, Serious Case Review and Adult Safeguarding Review learning event',
    description:
      'There are proposals to host a joint DHR, Serious Case Review and Adult Safeguarding Review learning event for practitioners during the summer.',
    priority: STATUTORY,
    lead: 'SWP',
    status: 'not-started',
  },
  {
    reference: 'SF-3',
    title: 'Workshops to Raise Awareness of Prevent (WRAP) in schools',
    description:
      'SWP continues to promote WRAP training within the city, utilising its bank of trainers. 100% of schools have received WRAP training.',
    priority: STATUTORY,
    deliveryPriority: 'Deliver Wolverhampton’s response to the Prevent duty',
    lead: 'SWP',
    status: 'complete',
  },
])

const nameKey = (name: string) => name.trim().toLowerCase().replace(/[’']/g, "'")

/**
 * Loads the demo's actions into the partnership when it has none, in one audited unit of work. Returns how many were
 * loaded (0 when it had actions already, or when none of their priorities is there).
 *
 * @example await loadDemoActions({ database: scopedDatabase, audit }, 'demo-data')
 */
export async function loadDemoActions(
  dependencies: { readonly database: Database; readonly audit: Pick<AuditRepository, 'appendAll'> },
  actor: string,
  now: () => Date = () => new Date(),
): Promise<number> {
  const { database, audit } = dependencies
  const repository = createActionRepository(database)
  if ((await repository.listActions()).length > 0) return 0
  const [priorities, agencies] = await Promise.all([repository.listPriorities(), repository.listAgencies()])
  const strategicByName = new Map(priorities.strategic.map((p) => [nameKey(p.name), p.id]))
  return inUnitOfWork(database, async (uow) => {
    const at = now().toISOString()
    const events: AuditEventInput[] = []
    for (const demo of DEMO_ACTIONS) {
      const strategic = strategicByName.get(nameKey(demo.priority))
      if (strategic === undefined) continue
      const delivery = demo.deliveryPriority
        ? priorities.delivery.find(
            (p) =>
              p.strategicPriorityId === strategic &&
              p.context === 'FY2017-18' &&
              nameKey(p.name) === nameKey(demo.deliveryPriority ?? ''),
          )
        : undefined
      const id = await repository.insertAction(
        uow,
        {
          reference: demo.reference,
          title: demo.title,
          description: demo.description,
          strategic_priority_id: strategic,
          delivery_priority_id: delivery?.id ?? null,
          delivery_group: demo.group ?? null,
          lead_agency_id: agencies.find((a) => a.code === demo.lead)?.id ?? null,
          owner: null,
          start_date: null,
          due_date: demo.dueDate ?? null,
        },
        demo.status,
        { at, by: actor },
        demo.illustrative === true,
      )
      await repository.replaceMilestones(uow, id, demo.milestones ?? [], { at, by: actor })
      const after = (await repository.readAction(uow, id)) as PlanAction
      events.push({
        actor,
        action: 'create',
        entityType: 'plan-action',
        entityKey: String(id),
        before: null,
        after: auditForm(after),
      })
    }
    if (events.length > 0) await audit.appendAll(uow.trx, events)
    return events.length
  })
}
