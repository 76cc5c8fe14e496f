import type { ScopedDatabase } from '../../db/partnership-scope.ts'
import type { Figure, FigureProvider } from '../figures.ts'

/**
 * Test fixtures for the annual report: figures of its own (until the figure catalogue is merged the report's tests
 * give their own provider), and a held board meeting with its decisions, written straight into migration 0025's
 * tables (the board's services are another feature's).
 */

/** A knife-crime figure as the catalogue will name it: 2017-18's outturn 324 (the seed's quarters 49+49+56+67=221). */
export function figure(key: string, value: number, extra: Partial<Figure> = {}): Figure {
  return {
    key,
    label: extra.label ?? `Figure ${key}`,
    value,
    unit: extra.unit ?? 'count',
    decimals: extra.decimals ?? 0,
    period: extra.period ?? '2017-18',
    source: extra.source ?? 'Appendix C (test figures)',
    sentence: extra.sentence ?? `The figure ${key} is ${value}.`,
    subjectWords: extra.subjectWords ?? [],
    ...extra,
  }
}

/** A provider over a list the test may change (a KPI's value corrected after approval). */
export function mutableProvider(initial: readonly Figure[]): { provider: FigureProvider; set: (f: Figure) => void } {
  const figures = new Map(initial.map((f) => [f.key, f]))
  return {
    provider: async (year) =>
      [...figures.values()].filter((f) => f.key.endsWith(year) || !/FY\d{4}-\d{2}$/.test(f.key)),
    set: (f) => figures.set(f.key, f),
  }
}

/** Adds the board, a meeting (held unless said) and a decision approving the year's annual report; its id. */
export async function addApprovalDecision(
  database: ScopedDatabase,
  year: string,
  options: { meetingDate?: string; state?: 'held' | 'scheduled'; kind?: 'annual-report-approval' | 'resolution' } = {},
): Promise<number> {
  const at = '2018-06-01T00:00:00.000Z'
  const stamp = { created_at: at, updated_at: at, updated_by: 'test' }
  let board = await database.db.selectFrom('board_groups').select('id').where('kind', '=', 'board').executeTakeFirst()
  board ??= await database.db
    .insertInto('board_groups')
    .values({
      name: 'The board',
      kind: 'board',
      parent_group_id: null,
      purpose: null,
      terms_of_reference: null,
      meeting_frequency: 'Quarterly',
      quorum: null,
      ...stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const meeting = await database.db
    .insertInto('board_meetings')
    .values({
      group_id: board.id,
      meeting_date: options.meetingDate ?? '2018-06-12',
      starts_at: null,
      location: null,
      state: options.state ?? 'held',
      cancelled_reason: null,
      ...stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const decision = await database.db
    .insertInto('board_decisions')
    .values({
      meeting_id: meeting.id,
      minute_number: '7',
      kind: options.kind ?? 'annual-report-approval',
      subject: year,
      text: `The board approved the annual report ${year}.`,
      ...stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return decision.id
}

/** Removes every annual report (the demo's too), children first, for a test that makes its own. */
export async function clearAnnualReports(database: Pick<ScopedDatabase, 'db'>): Promise<void> {
  for (const table of [
    'annual_report_publications',
    'annual_report_frozen_figures',
    'annual_report_case_studies',
    'annual_report_comments',
    'annual_report_block_locks',
    'annual_report_blocks',
    'annual_report_chapters',
    'annual_reports',
  ] as const)
    await database.db.deleteFrom(table).execute()
}

/**
 * Removes the board's decisions approving an annual report (the demo's June 2018 meeting has one), and their links,
 * so that a test can start from "no decision yet".
 */
export async function clearApprovalDecisions(database: ScopedDatabase): Promise<void> {
  const decisions = database.db.selectFrom('board_decisions').select('id').where('kind', '=', 'annual-report-approval')
  await database.db.deleteFrom('board_decision_links').where('decision_id', 'in', decisions).execute()
  await database.db.deleteFrom('board_decisions').where('kind', '=', 'annual-report-approval').execute()
}
