import { DEMO_ACTOR } from '../performance/demo.ts'
import type { AssessmentService, Outcome } from './assessment-service.ts'

/**
 * The demo partnership's strategic assessment for 2018/19, reading 2017/18's data. The seed report does not print
 * its assessment, so the narrative here is illustrative (the assessment is stored with `illustrative = 1` and every
 * page says so); the figures it cites are the demo's own, read live from the data (knife crime, domestic abuse, hate
 * crime, police recorded crime). Its recommendations are the seed's "Year 2 delivery" priorities, adopted as the
 * delivery priorities of the same name where the strategy's demo loader made them (looked up by name; those absent
 * are left unadopted).
 */

const YEAR = 'FY2018-19'
const DATA_YEAR = 'FY2017-18'

/** The seed's Year 2 delivery priorities the demo's recommendations are (their words, as the seed prints them). */
export const DEMO_RECOMMENDATIONS = [
  'Develop interventions to deter young people from committing violent acts & carrying bladed weapons',
  'Working with partners, strengthen and integrate the collective response to DA',
  'Build confidence within communities subjected to hate crime to increase reporting and strengthen cohesion',
  'Targeted engagement to reduce the risk of business victimisation',
  'Provide critical call out mediation services to reduce tensions and escalations of violence',
] as const

const FINDINGS: readonly {
  readonly priority: string
  readonly text: string
  readonly citations: readonly { kind: string; kpi?: string; crime?: string; rank?: string }[]
}[] = [
  {
    priority: 'Violence Prevention',
    text:
      'Knife crime rose over the year. The rise is within normal variation, but offences involving young people ' +
      'and the night-time economy remain the concern of the violence prevention group.',
    citations: [
      { kind: 'kpi-outturn', kpi: 'knife-crime' },
      { kind: 'kpi-change', kpi: 'knife-crime' },
      { kind: 'kpi-significance', kpi: 'knife-crime' },
    ],
  },
  {
    priority: 'Reducing Victimisation',
    text:
      'Domestic abuse reported to the police continues to rise; partners read this partly as growing confidence to ' +
      'report, and the collective response to domestic abuse remains a priority.',
    citations: [
      { kind: 'kpi-outturn', kpi: 'domestic-abuse' },
      { kind: 'kpi-change', kpi: 'domestic-abuse' },
      { kind: 'kpi-trend', kpi: 'domestic-abuse' },
    ],
  },
  {
    priority: 'Statutory Functions',
    text: 'Hate crime reports are low against the city’s size: under-reporting is the likelier explanation.',
    citations: [
      { kind: 'kpi-outturn', kpi: 'hate-crime' },
      { kind: 'kpi-change', kpi: 'hate-crime' },
    ],
  },
  {
    priority: 'Police recorded crime',
    text: 'Total recorded crime and the city’s place among the force area’s partnerships, from data.police.uk.',
    citations: [
      { kind: 'crime-headline', crime: 'total' },
      { kind: 'crime-rank', rank: 'rate' },
    ],
  },
]

const THREATS = [
  { title: 'Knife-enabled violence among young people', impact: '4', likelihood: '4' },
  { title: 'Domestic abuse that is not reported', impact: '4', likelihood: '3' },
  { title: 'Community tensions after a hate incident', impact: '3', likelihood: '3' },
  { title: 'Modern slavery hidden in local businesses', impact: '4', likelihood: '2' },
  { title: 'Repeat victimisation of small businesses', impact: '2', likelihood: '3' },
] as const

const CONSULTATIONS = [
  {
    consultee: 'Residents of the city (community safety survey)',
    consulteeKind: 'public',
    heldFrom: '2018-01-08',
    heldTo: '2018-02-02',
    method: 'survey',
    whatWasSaid: 'Knife crime and anti-social behaviour were the concerns residents named most often.',
    response: 'Violence prevention stays a priority; the findings name what the data shows about knife crime.',
  },
  {
    consultee: 'Wolverhampton Business Crime Reduction Group',
    consulteeKind: 'group',
    heldFrom: '2018-02-14',
    method: 'meeting',
    whatWasSaid: 'Members asked for targeted work with businesses that are victims again and again.',
    response: 'Recommended as a delivery priority: targeted engagement to reduce business victimisation.',
  },
] as const

const normalised = (name: string) => name.toLowerCase().replace(/\s+/g, ' ').trim()

function must<T>(outcome: Outcome<T>, what: string): T {
  if (!outcome.ok) throw new Error(`The demo assessment's ${what} was refused: ${JSON.stringify(outcome.problems)}`)
  return outcome.value
}

/** Loads the demo assessment once (nothing when the partnership has one for 2018/19 already). */
export async function loadDemoAssessment(assessments: AssessmentService): Promise<void> {
  if ((await assessments.list()).some((a) => a.year === YEAR)) return
  must(
    await assessments.create(
      DEMO_ACTOR,
      {
        year: YEAR,
        dataFrom: `${DATA_YEAR}-Q1`,
        dataTo: `${DATA_YEAR}-Q4`,
        title: 'Strategic assessment 2018/19',
        summary:
          'What 2017/18’s figures say about the three strategic priorities, the threats they point to and what ' +
          'the partnership should do about them in 2018/19.',
      },
      { illustrative: true },
    ),
    'creation',
  )
  const priorities = await assessments.prioritiesFor(YEAR)
  const priorityId = (name: string) => priorities.find((p) => normalised(p.name) === normalised(name))?.id
  for (const finding of FINDINGS) {
    const id = priorityId(finding.priority)
    const added = must(
      await assessments.addFinding(DEMO_ACTOR, YEAR, {
        theme: finding.priority,
        ...(id === undefined ? {} : { priority: String(id) }),
        text: finding.text,
      }),
      'finding',
    )
    for (const citation of finding.citations) {
      must(await assessments.addCitation(DEMO_ACTOR, YEAR, added.id, { ...citation, period: DATA_YEAR }), 'citation')
    }
  }
  for (const threat of THREATS) must(await assessments.addThreat(DEMO_ACTOR, YEAR, threat), 'threat')
  const delivery = await assessments.deliveryPrioritiesOf(YEAR)
  for (const text of DEMO_RECOMMENDATIONS) {
    const recommendation = must(await assessments.addRecommendation(DEMO_ACTOR, YEAR, { text }), 'recommendation')
    const match = delivery.find((d) => normalised(d.name) === normalised(text))
    if (match) {
      must(
        await assessments.adopt(DEMO_ACTOR, YEAR, recommendation.id, {
          priority: String(match.strategic_priority_id),
          name: match.name,
        }),
        'adoption',
      )
    }
  }
  for (const consultation of CONSULTATIONS) {
    must(await assessments.addConsultation(DEMO_ACTOR, YEAR, consultation), 'consultation')
  }
}
