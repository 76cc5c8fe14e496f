import type { KpiLinkService } from './kpi-links.ts'
import type { PriorityKind } from './plan-tables.ts'
import type { PlanChange, StrategyService } from './strategy-service.ts'

/**
 * The seed's strategy (Safer Wolverhampton Partnership, annual report 2017/18: "Community Safety and Harm Reduction
 * Strategy 2017-2020", pages "STRATEGIC PRIORITIES" / "YEAR ONE DELIVERY" and "YEAR 2 DELIVERY"), as the demo loads
 * it. Every row is written through the strategy service by the demo's actor, so each is audited and carries
 * `updated_by` = "demo-data" (`saferhub demo remove` tells the demo's rows from anyone's own by that).
 *
 * How the seed's text was read (its text extraction lost the pages' two-column layout):
 * - **Descriptions.** Only Reducing Reoffending has bullets of its own before "YEAR ONE DELIVERY" (develop a reducing
 *   reoffending strategy; reduce the overall reoffending rate; strengthen offender management pathways): they are its
 *   description. Under Reducing Victimisation and Violence Prevention the year-one page has one list each, and its
 *   items are year-one delivery priorities (the year-2 page repeats several of them as that year's delivery: cultural
 *   acceptance of domestic abuse, hate crime reporting, modern slavery, business crime; violent acts by young people,
 *   mediation, legislative powers over offenders). Their descriptions are the strategy's own sentence about them in
 *   the seed's introduction, and no more.
 * - **Year 2.** The extraction moved the year-2 page's headings one list down: the list under "Reducing Reoffending" is
 *   about domestic abuse, hate crime, modern slavery and business victimisation; the one under "Reducing
 *   Victimisation" about violent acts, weapons, mediation and perpetrators; the one under "Violence Prevention" about
 *   a reducing reoffending strategy, substance misuse recovery and young people at risk of offending. Each item is
 *   assigned to the priority its meaning belongs to, matched where possible with the year-one item it continues:
 *   the first list to Reducing Victimisation, the second to Violence Prevention (the perpetrator programmes with the
 *   year-one VAWG item there), the third to Reducing Reoffending, except "strengthen the gangs and youth violence offer"
 *   (Violence Prevention's year-one gangs item). Two readings are the nearest, not certain: aggressive begging and
 *   rough sleeping, and volume crime (vehicle crime, burglary, shoplifting, domestic abuse), stay with Reducing
 *   Reoffending, the list the seed printed them in.
 * - **Statutory Functions.** Both delivery pages list "Statutory Functions" beside the priorities, with the same four
 *   items, and the KPI framework uses it as a priority text (2 KPIs), but the strategy names three priorities
 *   ("reducing reoffending, violence prevention and reducing victimisation"). It is stored as the partnership's
 *   statutory functions (`kind` statutory, migration 0024): shown beside the three, never counted as a fourth
 *   strategic priority, and its KPIs link to it by their text like the others.
 * - **Approval.** The seed says the strategy was agreed by the board ("SWP Board … agree plans and strategies") but
 *   gives no date: it is recorded as approved by the Safer Wolverhampton Partnership Board with the date not given
 *   (`approved_on` null); `approved_at` is when the demo recorded it.
 */
export const DEMO_STRATEGY = Object.freeze({
  title: 'Community Safety and Harm Reduction Strategy 2017-2020',
  firstYear: 'FY2017-18',
  lastYear: 'FY2019-20',
  summary:
    'The priorities for the city over the life of the strategy, allowing a flexible approach in response to emerging trends. Delivery priorities are set for each year, informed by the partnership’s annual strategic assessment.',
  approvedBy: 'Safer Wolverhampton Partnership Board',
})

interface DemoPriority {
  readonly name: string
  readonly kind: PriorityKind
  readonly description: string
  readonly delivery: Readonly<Record<'FY2017-18' | 'FY2018-19', readonly string[]>>
}

const STATUTORY_ITEMS = [
  'Improvement engagement and provide a platform for residents to raise concerns',
  'Complete Domestic Homicide Reviews in order to identify learning for agencies to improve practice and prevent further deaths',
  'Deliver Wolverhampton’s response to the Prevent duty',
  'Deliver initiatives to strengthen community cohesion across the city',
]

export const DEMO_PRIORITIES: readonly DemoPriority[] = Object.freeze([
  {
    name: 'Reducing Reoffending',
    kind: 'strategic',
    description:
      'Develop a reducing reoffending strategy; reduce the overall reoffending rate in Wolverhampton; strengthen offender management pathways.',
    delivery: {
      'FY2017-18': [
        'Tackle substance misuse amongst those within the criminal justice system',
        'Support young people at risk of offending at an early stage',
        'Delivery of the Health and Justice Pathways Pilot for Wolverhampton',
      ],
      'FY2018-19': [
        'Implement a Black Country wide Reducing Reoffending strategy',
        'Improve recovery rates for offenders & those at risk of substance misuse problems',
        'Improve city image and business confidence by tackling aggressive begging and rough sleeping',
        'Address drug dealing amongst individuals, with a particular focus on New Psychoactive Substances',
        'Identify young people at risk of offending at an early stage and provide interventions',
        'Reduce volume crime with focus on vehicle crime, burglary, shoplifting and DA',
      ],
    },
  },
  {
    name: 'Reducing Victimisation',
    kind: 'strategic',
    description:
      'One of the strategy’s three strategic priorities (the seed gives no description beyond its delivery priorities).',
    delivery: {
      'FY2017-18': [
        'Tackle cultural acceptance of domestic abuse and vulnerability',
        'Build confidence to increase hate crime reporting',
        'Strengthen cohesion to increase tolerance',
        'Increase understanding of modern slavery (MS) and build confidence of victims to report issues and access support',
        'Increase regional inter-agency work to disrupt organised crime linked to MS',
        'Improve confidence and reduce the impact and prevalence of business crime',
        'Enable communities to deliver solutions to local concerns',
      ],
      'FY2018-19': [
        'Engage with identified communities to break the cycle of cultural acceptance of domestic related abuse and vulnerability',
        'Build confidence within communities subjected to hate crime to increase reporting and strengthen cohesion',
        'Working with partners, strengthen and integrate the collective response to DA',
        'Increase understanding of modern slavery and build confidence of victims to report issues/access support',
        'Targeted engagement to reduce the risk of business victimisation',
      ],
    },
  },
  {
    name: 'Violence Prevention',
    kind: 'strategic',
    description:
      'One of the strategy’s three strategic priorities (the seed gives no description beyond its delivery priorities).',
    delivery: {
      'FY2017-18': [
        'Reduce violent crimes committed & increase confidence of victims to report offences',
        'Develop interventions to deter young people from committing violent acts',
        'Provide early intervention to deter young people from joining gangs',
        'Provide mediation services to reduce tensions caused by violent conflict',
        'Apply tools and legislative powers to effectively manage offenders',
        'Reduce the harm caused to victims of Violence Against Women and Girls (VAWG)',
        'Deliver targeted initiatives to reduce alcohol related violence',
      ],
      'FY2018-19': [
        'Develop interventions to deter young people from committing violent acts & carrying bladed weapons',
        'Provide critical call out mediation services to reduce tensions and escalations of violence',
        'Apply available legislative tools and powers to increase the effective management of offenders',
        'Deliver a risk-based model of DA perpetrator programmes inside and outside of the criminal justice system',
        'Proactively utilise additional resource committed to strengthen the gangs and youth violence offer and delivery',
      ],
    },
  },
  {
    name: 'Statutory Functions',
    kind: 'statutory',
    description:
      'The partnership’s statutory duties, listed beside the strategic priorities on both years’ delivery pages; not one of the strategy’s three priorities.',
    delivery: { 'FY2017-18': STATUTORY_ITEMS, 'FY2018-19': STATUTORY_ITEMS },
  },
])

function done<T>(change: PlanChange<T>, what: string): T {
  if (change.outcome !== 'done') throw new Error(`The demo strategy was refused at ${what}: ${JSON.stringify(change)}`)
  return change.value
}

/**
 * Loads the seed's strategy into a partnership with none (does nothing once it has a strategy), approves it and links
 * the KPIs whose framework text names one of its priorities. Returns how many KPIs were linked, or null when the
 * partnership already had a strategy.
 *
 * @example await loadDemoStrategy(demo.plan, 'demo-data')
 */
export async function loadDemoStrategy(
  plan: { readonly strategies: StrategyService; readonly kpiLinks: KpiLinkService },
  actor: string,
): Promise<{ linked: number } | null> {
  if ((await plan.strategies.list()).length > 0) return null
  // One unit of work for the whole strategy (about sixty changes, each audited): all of it or none, and one
  // transaction instead of sixty (0.9 s on PostgreSQL, where each takes the audit lock, on every demo start).
  const linked = await plan.strategies.together(async (uow) => {
    const strategy = done(
      await plan.strategies.createStrategy(
        actor,
        {
          title: DEMO_STRATEGY.title,
          firstYear: DEMO_STRATEGY.firstYear,
          lastYear: DEMO_STRATEGY.lastYear,
          summary: DEMO_STRATEGY.summary,
        },
        uow,
      ),
      'the strategy',
    )
    for (const p of DEMO_PRIORITIES) {
      const priority = done(
        await plan.strategies.addPriority(
          actor,
          strategy.id,
          { name: p.name, description: p.description, kind: p.kind },
          uow,
        ),
        p.name,
      )
      for (const [year, items] of Object.entries(p.delivery))
        for (const name of items)
          done(
            await plan.strategies.addDeliveryPriority(actor, priority.id, { year, name, description: '' }, uow),
            name,
          )
    }
    done(
      await plan.strategies.approveStrategy(
        actor,
        strategy.id,
        { approvedBy: DEMO_STRATEGY.approvedBy, approvedOn: '' },
        uow,
      ),
      'its approval',
    )
    return done(await plan.kpiLinks.linkMatching(actor, strategy.id, uow), 'the KPI links')
  })
  return { linked: linked.linked.length }
}
