import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import type { CaseEvent } from '../domain/death-review.ts'
import { REGISTER_ENTITY, type ReviewService, type ReviewUser } from './review-service.ts'
import type { ReviewRepository } from './review-repository.ts'

/** What the demo records where the seed gives nothing: no invented personal details. */
export const NOT_RECORDED = 'Not recorded in the demo'

/**
 * The seed's two notifications of 2017-18 ("During 2017-2018 SWP received two notifications of domestic violence
 * related deaths … neither were undertaken as a full DHR. One had no agency contact with Wolverhampton and therefore
 * there was deemed to be no possible learning; this decision was supported by the Home Office. The other case was
 * reviewed in Birmingham as the victim resided there"). The seed gives no dates: the ones here are illustrative and
 * the cases say so. The demo's administrator is granted the register, so the demo can show it.
 */
const DEMO_CASES: readonly { readonly notifiedOn: string; readonly steps: readonly CaseEvent[] }[] = [
  {
    notifiedOn: '2017-06-05',
    steps: [
      {
        kind: 'decide',
        on: '2017-06-26',
        decision: 'no-review',
        reasons:
          'No agency in Wolverhampton had contact with those involved, so there was deemed to be no possible learning.',
      },
      { kind: 'inform-home-office', on: '2017-06-27' },
      { kind: 'record-home-office-response', on: '2017-07-24', response: 'The Home Office supported the decision.' },
      { kind: 'close', on: '2017-07-25', notes: '' },
    ],
  },
  {
    notifiedOn: '2017-11-06',
    steps: [
      {
        kind: 'decide',
        on: '2017-11-20',
        decision: 'another-partnership-leads',
        reasons: 'The victim lived in Birmingham, where the review is held.',
        leadPartnership: 'Birmingham Community Safety Partnership',
      },
      { kind: 'inform-home-office', on: '2017-11-21' },
    ],
  },
]

/**
 * Loads the demo's register (idempotent: nothing when the partnership has any case): grants the register to the
 * demo administrator, then records the two cases through the service, step by step, as that administrator.
 */
export async function loadDemoReviews(
  deps: {
    readonly database: Database
    readonly repository: ReviewRepository
    readonly audit: Pick<AuditRepository, 'append'>
    readonly reviews: ReviewService
  },
  administrator: { readonly id: number; readonly email: string } | null,
  actor: string,
): Promise<void> {
  if (!administrator) return
  const existing = await inUnitOfWork(deps.database, (uow) => deps.repository.listCases(uow, null))
  if (existing.length > 0) return
  await inUnitOfWork(deps.database, async (uow) => {
    if (await deps.repository.grant(uow, administrator.id, new Date().toISOString(), actor)) {
      await deps.audit.append(uow.trx, {
        actor,
        action: 'grant',
        entityType: REGISTER_ENTITY,
        entityKey: `user:${administrator.id}`,
        before: { granted: false },
        after: { granted: true },
      })
    }
  })
  const user: ReviewUser = { id: administrator.id, email: actor, role: 'administrator', agencyId: null }
  for (const demo of DEMO_CASES) {
    const created = await deps.reviews.notify(
      user,
      {
        kind: 'domestic-abuse-related-death-review',
        guidanceVersion: 'dhr-2016',
        notifiedOn: demo.notifiedOn,
        notifiedBy: NOT_RECORDED,
        circumstances: NOT_RECORDED,
      },
      { illustrative: true },
    )
    if (!created.ok) throw new Error(`The demo case was refused: ${JSON.stringify(created.problems)}`)
    for (const step of demo.steps) {
      const taken = await deps.reviews.step(user, created.value, step, { [created.value]: 'reason' })
      if (!taken.ok) throw new Error(`The demo case's step ${step.kind} was refused: ${JSON.stringify(taken.problems)}`)
    }
  }
}
