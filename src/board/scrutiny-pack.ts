import type { DocumentBlock, DocumentSection, PrintableDocument } from '../documents/document.ts'
import type { Principal } from '../accounts/permissions.ts'
import { dateInWords } from '../shared/time-in-words.ts'
import { actionsTable } from './meeting-pack.ts'
import type { MeetingPapers } from './meeting-papers.ts'
import { financialYearDates, financialYearLabelOf } from '../domain/period.ts'
import { MeetingNotFound, type MeetingService } from './meeting-service.ts'

const paragraph = (text: string): DocumentBlock => ({ kind: 'paragraph', runs: [{ text }] })

/**
 * The yearly pack for the council's crime and disorder scrutiny committee (Police and Justice Act 2006 s.19): the
 * year's decisions by meeting, the actions' status (the meetings' actions and the delivery plan's), and attendance
 * per agency. The annual report itself is added after it (issue 11, item 7).
 */
export function createScrutinyPacks(deps: {
  readonly meetings: MeetingService
  readonly papers: MeetingPapers
  readonly partnership: string
}) {
  return {
    async scrutinyPack(user: Principal, year: string): Promise<PrintableDocument> {
      const range = financialYearDates(year)
      if (!range) throw new MeetingNotFound()
      const label = financialYearLabelOf(year)
      const bodies = await deps.meetings.list(user)
      const held = bodies.flatMap((b) =>
        b.meetings.filter((m) => m.state === 'held' && m.date >= range.from && m.date <= range.to),
      )
      const decisionSections: DocumentSection[] = []
      const actions = []
      for (const m of held) {
        const read = await deps.meetings.internals(m.id)
        actions.push(...deps.meetings.actionsShown(read.actionsRaised, read.sameBody, read.agencies, range.to))
        if (read.decisions.length === 0) continue
        decisionSections.push({
          heading: `${m.bodyName}, ${dateInWords(m.date)}`,
          level: 2,
          blocks: [
            {
              kind: 'table',
              caption: `Decisions of the ${m.bodyName} on ${dateInWords(m.date)}`,
              head: ['Minute', 'Kind', 'Subject', 'Resolution'],
              rows: read.decisions.map((d) => [d.minuteNumber ?? '', d.kindText, d.subject ?? '', d.text]),
            },
          ],
        })
      }
      const attendance = await deps.meetings.attendance(user, year)
      const open = actions.filter((a) => a.status === 'open')
      return {
        title: `Crime and disorder scrutiny pack ${label}`,
        language: 'en-GB',
        subtitle: deps.partnership,
        author: deps.partnership,
        sections: [
          {
            heading: 'About this pack',
            level: 1,
            blocks: [
              paragraph(
                `For the council’s crime and disorder committee (Police and Justice Act 2006, section 19): what the ${deps.partnership} decided in ${label}, the status of its actions, and who attended its meetings.`,
              ),
              paragraph(
                `${held.length} meetings were held between ${dateInWords(range.from)} and ${dateInWords(range.to)}.`,
              ),
            ],
          },
          {
            heading: 'Decisions',
            level: 1,
            blocks: decisionSections.length === 0 ? [paragraph('No decisions were recorded in the year.')] : [],
            sections: decisionSections,
          },
          {
            heading: 'Actions from meetings',
            level: 1,
            blocks:
              actions.length === 0
                ? [paragraph('No actions were raised at the year’s meetings.')]
                : [
                    paragraph(
                      `${actions.length} actions were raised at the year’s meetings; ${open.length} open on ${dateInWords(range.to)}, ${open.filter((a) => a.overdue).length} of them overdue.`,
                    ),
                    actionsTable(`Actions raised at meetings in ${label}`, actions),
                  ],
          },
          {
            heading: 'Delivery plan actions',
            level: 1,
            blocks: await deps.papers.actionStatus(range.to),
          },
          {
            heading: 'Attendance per agency',
            level: 1,
            blocks: [],
            sections: attendance.map((b) => ({
              heading: b.body.name,
              level: 2 as const,
              blocks:
                b.meetingsHeld === 0
                  ? [paragraph(`The ${b.body.name} held no meetings in ${label}.`)]
                  : [
                      {
                        kind: 'table' as const,
                        caption: `Attendance at the ${b.body.name}’s ${b.meetingsHeld} meetings held in ${label}`,
                        head: ['Organisation', 'Meetings held', 'Attended', 'Apologies', 'Rate'],
                        numeric: [false, true, true, true, true],
                        rows: b.lines.map((l) => [
                          l.organisation,
                          String(l.meetingsHeld),
                          String(l.attended),
                          String(l.apologies),
                          l.ratePercent === null ? '' : `${l.attended}/${l.meetingsHeld} (${l.ratePercent}%)`,
                        ]),
                      },
                    ],
            })),
          },
        ],
      }
    },
  }
}

export type ScrutinyPacks = ReturnType<typeof createScrutinyPacks>
