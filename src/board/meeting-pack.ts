import type { DocumentBlock, DocumentSection, PrintableDocument } from '../documents/document.ts'
import { dateInWords } from '../shared/time-in-words.ts'
import type { MeetingPapers } from './meeting-papers.ts'
import { ACTION_STATUS_WORDS, PAPER_WORDS, type ActionShown, type MeetingService } from './meeting-service.ts'
import type { PaperKind } from './meeting-tables.ts'

export interface AgendaPackOptions {
  /** The exempt pack: exempt items with their titles and papers (for those with `board:view-exempt` only). */
  readonly exempt: boolean
  /** The previous meeting's draft minutes in full (for those with `board:edit`); otherwise only that they are due. */
  readonly draftMinutes: boolean
}

const paragraph = (text: string): DocumentBlock => ({ kind: 'paragraph', runs: [{ text }] })

/** Matters arising as a table: overdue as of the meeting's date. */
export function actionsTable(caption: string, actions: readonly ActionShown[]): DocumentBlock {
  return {
    kind: 'table',
    caption,
    head: ['Action', 'Owner', 'Due', 'Raised', 'Status'],
    rows: actions.map((a) => [
      a.text,
      [a.owner, a.agencyName].filter((x) => x !== null).join(', ') || 'Not given',
      a.dueDate === null ? 'Not given' : dateInWords(a.dueDate),
      dateInWords(a.raisedAt.date),
      ACTION_STATUS_WORDS[a.status] +
        (a.overdue ? ' (overdue)' : '') +
        (a.closedAt ? ` at the meeting of ${dateInWords(a.closedAt.date)}` : ''),
    ]),
  }
}

/**
 * A meeting's agenda pack as one printable document (src/documents/document.ts): the agenda, the previous meeting's
 * minutes for approval, the matters arising (actions of earlier meetings still open when it met, overdue as of its
 * date), and each item's paper as of the meeting's date. The public pack lists an exempt item as "Exempt item",
 * without its title, presenter or paper; the exempt pack prints them.
 */
export function createAgendaPacks(deps: {
  readonly meetings: MeetingService
  readonly papers: MeetingPapers
  readonly partnership: string
}) {
  const { meetings, papers } = deps
  const writerOf: Record<Exclude<PaperKind, 'none' | 'free'>, (date: string) => Promise<DocumentBlock[]>> = {
    'performance-report': papers.performance,
    'budget-monitoring': papers.budget,
    'action-status': papers.actionStatus,
  }

  return {
    async agendaPack(meetingId: number, options: AgendaPackOptions): Promise<PrintableDocument> {
      const read = await meetings.internals(meetingId)
      const m = read.meeting
      const when = `${dateInWords(m.date)}${m.startsAt ? `, ${m.startsAt}` : ''}${m.location ? `, ${m.location}` : ''}`
      const items = read.agenda.map((i) => {
        const hidden = i.exempt === 1 && !options.exempt
        return {
          position: i.position,
          title: hidden ? 'Exempt item' : i.title,
          presenter: hidden ? null : i.presenter,
          paper: hidden ? ('none' as const) : i.paper,
          paperTitle: hidden ? null : i.paper_title,
          exempt: i.exempt === 1,
        }
      })
      const agenda: DocumentSection = {
        heading: 'Agenda',
        level: 1,
        anchor: 'agenda',
        blocks: [
          paragraph(`${m.bodyName}: ${when}.`),
          ...(m.state === 'cancelled' ? [paragraph(`This meeting was cancelled: ${m.cancelledReason ?? ''}`)] : []),
          {
            kind: 'list',
            ordered: true,
            items: items.map((i) => [
              {
                text:
                  i.title +
                  (i.exempt && options.exempt ? ' (exempt)' : '') +
                  (i.presenter ? `: ${i.presenter}` : '') +
                  (i.paper === 'free' && i.paperTitle
                    ? ` (paper: ${i.paperTitle})`
                    : i.paper !== 'none'
                      ? ` (paper: ${PAPER_WORDS[i.paper]})`
                      : ''),
              },
            ]),
          },
          ...(items.some((i) => i.exempt) && !options.exempt
            ? [
                {
                  kind: 'note' as const,
                  runs: [
                    {
                      text: 'Exempt items are taken in private: their titles and papers are in the exempt pack only.',
                    },
                  ],
                },
              ]
            : []),
        ],
      }
      const previous = read.previous
      const minutesBlocks: DocumentBlock[] = !previous
        ? [paragraph('There is no earlier meeting of this body.')]
        : !read.previousMinutes
          ? [paragraph(`No minutes of the meeting of ${dateInWords(previous.date)} have been written.`)]
          : read.previousMinutes.state === 'approved'
            ? [paragraph(`The minutes of the meeting of ${dateInWords(previous.date)} were approved already.`)]
            : options.draftMinutes
              ? [
                  paragraph(`Draft minutes of the meeting of ${dateInWords(previous.date)}, for approval:`),
                  ...read.previousMinutes.text
                    .split(/\n{2,}/)
                    .map((p) => p.trim())
                    .filter((p) => p !== '')
                    .map(paragraph),
                ]
              : [paragraph(`The draft minutes of the meeting of ${dateInWords(previous.date)} are for approval.`)]
      const arising = meetings.actionsShown(read.mattersArising, read.sameBody, read.agencies, m.date)
      const paperSections: DocumentSection[] = []
      for (const i of items) {
        if (i.paper === 'none') continue
        const blocks =
          i.paper === 'free'
            ? [paragraph(`The paper “${i.paperTitle ?? ''}” is circulated with this pack.`)]
            : await writerOf[i.paper](m.date)
        paperSections.push({
          heading: `Item ${i.position}: ${i.title}`,
          level: 2,
          anchor: `item-${i.position}`,
          blocks,
        })
      }
      return {
        title: `${m.bodyName}: agenda pack for ${dateInWords(m.date)}${options.exempt ? ' (exempt)' : ''}`,
        language: 'en-GB',
        subtitle: deps.partnership,
        author: deps.partnership,
        ...(m.illustrative ? { watermark: 'Illustrative meeting (not Wolverhampton’s)' } : {}),
        sections: [
          agenda,
          { heading: 'Minutes of the previous meeting', level: 1, anchor: 'minutes', blocks: minutesBlocks },
          {
            heading: 'Matters arising',
            level: 1,
            anchor: 'matters-arising',
            blocks:
              arising.length === 0
                ? [paragraph('No actions of earlier meetings are open.')]
                : [actionsTable('Actions of earlier meetings, as of the meeting’s date', arising)],
          },
          {
            heading: 'Papers',
            level: 1,
            anchor: 'papers',
            blocks: paperSections.length === 0 ? [paragraph('No papers.')] : [],
            sections: paperSections,
          },
        ],
      }
    },
  }
}

export type AgendaPacks = ReturnType<typeof createAgendaPacks>
