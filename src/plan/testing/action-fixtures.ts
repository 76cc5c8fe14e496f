import type { Database } from '../../db/database.ts'
import type { ActionService } from '../action-service.ts'

/**
 * For tests only: a strategy with two strategic priorities and one delivery priority, stored straight into the
 * partnership's tables through its scoped handle (the plan's own service for strategies is another feature's), so
 * that actions have priorities to serve.
 */
export async function addTestPriorities(
  database: Database,
): Promise<{ readonly reoffending: number; readonly violence: number; readonly delivery: number }> {
  const stamp = { updated_at: '2018-04-01T00:00:00.000Z', updated_by: 'test' }
  const strategy = await database.db
    .insertInto('strategies')
    .values({
      title: 'Test Community Safety Strategy 2017-20',
      first_year: 'FY2017-18',
      last_year: 'FY2019-20',
      status: 'draft',
      summary: null,
      approved_at: null,
      approved_by: null,
      ...stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const priority = async (position: number, name: string) =>
    (
      await database.db
        .insertInto('strategic_priorities')
        .values({ strategy_id: strategy.id, position, name, description: null, ...stamp })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const reoffending = await priority(1, 'Reducing Reoffending')
  const violence = await priority(2, 'Violence Prevention')
  const delivery = (
    await database.db
      .insertInto('delivery_priorities')
      .values({
        strategic_priority_id: reoffending,
        year: 'FY2018-19',
        position: 1,
        name: 'Reduce first-time entrants',
        description: null,
        ...stamp,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  return { reoffending, violence, delivery }
}

/** An action form with every field empty but those given (the shape the web form sends). */
export function actionForm(fields: Partial<Record<string, string>> = {}) {
  return {
    reference: '',
    title: '',
    description: '',
    strategicPriority: '',
    deliveryPriority: '',
    deliveryGroup: '',
    leadAgency: '',
    owner: '',
    startDate: '',
    dueDate: '',
    ...fields,
    milestones: [] as { title: string; dueDate: string; completedOn: string }[],
  }
}

/**
 * For the route matrices: an action led by agency `a` and one led by agency `b`, under a test priority, added through
 * the action service as the partnership's analyst would. Returns their ids.
 */
export async function seedMatrixActions(
  services: { readonly database: Database; readonly actions: ActionService },
  a: number,
  b: number,
  tag = 'MATRIX',
): Promise<{ readonly a: number; readonly b: number }> {
  const { reoffending } = await addTestPriorities(services.database)
  const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'matrix-analyst@example.org' }
  const add = async (reference: string, agency: number) => {
    const saved = await services.actions.create(
      analyst,
      actionForm({
        reference,
        title: `${reference} action`,
        strategicPriority: String(reoffending),
        leadAgency: String(agency),
      }),
    )
    if (saved.kind !== 'saved') throw new Error(`The matrix action ${reference} was refused: ${JSON.stringify(saved)}`)
    return saved.action.id
  }
  return { a: await add(`${tag}-A`, a), b: await add(`${tag}-B`, b) }
}
