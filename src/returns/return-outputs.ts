import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { ItemProblem } from './return-fields.ts'
import type { Actor } from './returns-repository.ts'

/**
 * What a quarterly return carries besides KPI figures: the outputs of the commissioned services whose provider
 * reports through this agency (issue 10, item 5). Declared here and implemented by the services feature
 * (src/funding/service-return-outputs.ts), handed in by the composition root, so that returns imports nothing of
 * funding. The returns service shows the lines on the return, reads their boxes, keeps the figures as drafts with the
 * return's save (in its unit of work) and, when the analyst accepts the return, has them written as the outputs'
 * actuals in the acceptance's unit of work. A return sent back writes none.
 */
export interface ReturnOutputLine {
  readonly outputId: number
  /** The boxes' name prefix on the form: `output-<id>` (`-actual`, `-note`). */
  readonly prefix: string
  readonly serviceReference: string
  readonly serviceTitle: string
  readonly kind: 'output' | 'outcome'
  readonly name: string
  readonly unit: string | null
  readonly target: number | null
  readonly year: string
  /** What this return holds for it (its draft), if anything. */
  readonly draft: { readonly actual: number | null; readonly note: string | null } | null
  /** The actual already recorded for the quarter (from an earlier acceptance or the analyst), if any. */
  readonly recorded: number | null
}

export interface ReturnOutputDraft {
  readonly outputId: number
  readonly actual: number | null
  readonly note: string | null
}

/** The return a draft or an acceptance belongs to. */
export interface ReturnOutputsOf {
  readonly id: number
  readonly agencyId: number
  readonly period: string
}

export interface ReturnOutputs {
  /** The outputs the agency reports for the quarter, with the return's drafts (`returnId` null: not started). */
  linesFor(agencyId: number, period: string, returnId: number | null): Promise<ReturnOutputLine[]>
  /**
   * The typed boxes of the lines: drafts and problems. `drafts` is null when the form carried none of the lines'
   * boxes (the JSON API's return), so that a save leaves the drafts as they were.
   */
  read(
    lines: readonly ReturnOutputLine[],
    fields: Readonly<Record<string, string>>,
  ): { readonly drafts: ReturnOutputDraft[] | null; readonly problems: ItemProblem[] }
  /** Replaces the return's drafts (audited), inside the save's unit of work. */
  saveDrafts(
    uow: UnitOfWork,
    ofReturn: ReturnOutputsOf,
    drafts: readonly ReturnOutputDraft[],
    actor: Actor,
  ): Promise<void>
  /** Writes the accepted return's figures as the outputs' actuals for its quarter (audited), inside the acceptance. */
  accept(uow: UnitOfWork, ofReturn: ReturnOutputsOf, actor: Actor): Promise<void>
}

/** The names of the boxes a line has on the form. */
export function outputFieldNames(lines: readonly ReturnOutputLine[]): string[] {
  return lines.flatMap((l) => [`${l.prefix}-actual`, `${l.prefix}-note`])
}
