import { can, type Principal } from '../accounts/permissions.ts'
import type { DecisionKind } from './board-tables.ts'
import { DECISION_KIND_WORDS, type MeetingService } from './meeting-service.ts'
import type { BoardDecisions, DecisionsOfAThing } from '../shared/web/board-decisions.ts'

export type { DecisionsOfAThing } from '../shared/web/board-decisions.ts'

/**
 * The board's decisions about things of `kinds` named `subject` (e.g. a year's sign-off and publication approval), as
 * a page of another feature shows them: each one linked to its decision, and the matching decisions of held board
 * meetings to choose from (`board:edit`; the choice is posted to `/board/decision-links`).
 *
 * @example await decisionsOf(meetings, ['report-sign-off', 'publication-approval'])(user, 'FY2017-18', '/p/wolves')
 */
export function decisionsOf(meetings: MeetingService, kinds: readonly DecisionKind[]): BoardDecisions<Principal> {
  return async (user, subject, base) => {
    if (!can(user, 'board:view')) return { decided: [], choices: [] }
    const decided: DecisionsOfAThing['decided'][number][] = []
    const choices: DecisionsOfAThing['choices'][number][] = []
    for (const kind of kinds) {
      const linked = await meetings.decisionFor(kind, subject)
      if (linked)
        decided.push({
          kindText: linked.kindText,
          sentence: linked.sentence,
          href: `${base}/board/decisions/${linked.id}`,
        })
      if (!can(user, 'board:edit')) continue
      for (const d of await meetings.decisionsOfKind(kind, subject)) {
        if (d.meeting.bodyKind !== 'board' || d.id === linked?.id) continue
        choices.push({
          kind,
          subject,
          decisionId: d.id,
          label: `${DECISION_KIND_WORDS[kind]}: ${d.sentence.replace(/^Decided by /, '')}`,
        })
      }
    }
    return { decided, choices }
  }
}
