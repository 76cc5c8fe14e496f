import { barChart } from '../../charts/bar-chart.ts'
import { lineChart } from '../../charts/line-chart.ts'
import type { DocumentBlock, DocumentSection, DocumentTable, PrintableDocument } from '../document.ts'

/**
 * A printable document shaped like a partnership's annual report, for the outputs' tests and the print benchmark:
 * chapters of paragraphs with sub-sections, tables, charts from src/charts (each with its alternative text, summary
 * and data table), notes and lists. The figures look like a Community Safety Partnership's (recorded crime by
 * quarter, KPI outturns) but are made up and deterministic.
 */
export interface SampleDocumentSize {
  readonly chapters: number
  /** Spread over the chapters in turn. */
  readonly tables: number
  readonly charts: number
  /** Paragraphs in each chapter's sub-section. */
  readonly paragraphsPerChapter: number
}

const PRIORITIES = [
  'Reducing violence and knife crime',
  'Tackling domestic violence and abuse',
  'Reducing reoffending',
  'Safeguarding from exploitation',
  'Preventing violent extremism',
  'Tackling anti-social behaviour',
  'Reducing drug and alcohol related harm',
  'Building community cohesion',
  'Supporting victims and witnesses',
  'Reducing hate crime',
  'Safer night-time economy',
  'Road safety',
]

const QUARTERS = ['Q1 2016/17', 'Q2 2016/17', 'Q3 2016/17', 'Q4 2016/17', 'Q1 2017/18', 'Q2 2017/18', 'Q3 2017/18']

/** A deterministic series: the same every run, so the benchmark prints the same pages each time. */
function series(seed: number, length: number, base: number): number[] {
  return Array.from({ length }, (_, i) => Math.round(base + 12 * Math.sin(seed + i) + 3 * i + (seed % 5)))
}

const SENTENCE =
  'Partners worked together through the year to reduce harm, sharing information through the monthly ' +
  'tasking meeting and agreeing joint plans for the places and people most affected. The figures below come ' +
  'from police recorded crime and from the services the partnership commissions, and each is compared with ' +
  'the year before and with the baseline the board agreed.'

function table(index: number): DocumentTable {
  const values = series(index, 6, 120 + index * 7)
  return {
    caption: `Table ${index + 1}: ${PRIORITIES[index % PRIORITIES.length]}, outturn by measure`,
    head: ['Measure', 'Baseline', '2016/17', '2017/18', 'Change'],
    rows: values.map((value, row) => {
      const before = value - 5 + row
      const change = ((value - before) / before) * 100
      return [
        `Measure ${index + 1}.${row + 1}`,
        String(value + 11),
        String(before),
        String(value),
        `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`,
      ]
    }),
    numeric: [false, true, true, true, true],
  }
}

function chart(index: number): DocumentBlock {
  const title = `${PRIORITIES[index % PRIORITIES.length]}: recorded offences by quarter`
  const values = series(index + 100, QUARTERS.length, 60 + index * 4)
  const first = values[0] ?? 0
  const last = values[values.length - 1] ?? 0
  const summary = `Recorded offences went from ${first} in ${QUARTERS[0]} to ${last} in ${QUARTERS[QUARTERS.length - 1]}.`
  const svg =
    index % 2 === 0
      ? lineChart({
          id: `chart-${index + 1}`,
          title,
          description: summary,
          points: QUARTERS.map((label, i) => ({ label: label.slice(0, 2), value: values[i] ?? null })),
          bands: [
            { label: '2016/17', from: 0, to: 3 },
            { label: '2017/18', from: 4, to: 6 },
          ],
          width: 520,
          height: 220,
        })
      : barChart({
          id: `chart-${index + 1}`,
          title,
          description: summary,
          bars: QUARTERS.map((label, i) => ({ label, value: values[i] ?? 0 })),
          width: 520,
        })
  return {
    kind: 'chart',
    svg,
    alt: `${index % 2 === 0 ? 'Line' : 'Bar'} chart of ${title.toLowerCase()}. ${summary}`,
    summary,
    table: {
      caption: `Data for chart ${index + 1}: ${title}`,
      head: ['Quarter', 'Recorded offences'],
      rows: QUARTERS.map((label, i) => [label, String(values[i] ?? '')]),
      numeric: [false, true],
    },
  }
}

/**
 * A sample report of the given size.
 *
 * @example sampleDocument({ chapters: 2, tables: 2, charts: 2, paragraphsPerChapter: 2 })
 */
export function sampleDocument(size: SampleDocumentSize): PrintableDocument {
  const tables = Array.from({ length: size.tables }, (_, i) => table(i))
  const charts = Array.from({ length: size.charts }, (_, i) => chart(i))
  const sections: DocumentSection[] = Array.from({ length: size.chapters }, (_, c) => {
    const mine = <T>(items: readonly T[]): T[] => items.filter((_, i) => i % size.chapters === c)
    const paragraphs: DocumentBlock[] = Array.from({ length: size.paragraphsPerChapter }, (_, p) => ({
      kind: 'paragraph',
      runs: [...(p === 0 ? [{ text: 'In summary: ', bold: true }] : []), { text: `${SENTENCE} (${c + 1}.${p + 1})` }],
    }))
    return {
      heading: `${c + 1}. ${PRIORITIES[c % PRIORITIES.length]}`,
      level: 1,
      blocks: [
        { kind: 'paragraph', runs: [{ text: SENTENCE }] },
        {
          kind: 'list',
          ordered: false,
          items: [
            [{ text: 'Agree the year’s priorities with the board' }],
            [{ text: 'Report progress every quarter' }],
          ],
        },
      ],
      sections: [
        {
          heading: 'What we did',
          level: 2,
          blocks: [
            ...paragraphs,
            ...mine(tables).map((t): DocumentBlock => ({ kind: 'table', ...t })),
            {
              kind: 'note',
              title: 'Case study',
              runs: [{ text: 'A young person referred by the school was supported by a youth worker for six months.' }],
            },
          ],
        },
        {
          heading: 'How we know',
          level: 2,
          blocks: mine(charts),
          sections: [
            {
              heading: 'Sources',
              level: 3,
              blocks: [
                {
                  kind: 'paragraph',
                  runs: [
                    { text: 'Police recorded crime from ' },
                    { text: 'data.police.uk', href: 'https://data.police.uk/' },
                    { text: '.' },
                  ],
                },
              ],
            },
          ],
        },
      ],
    }
  })
  return {
    title: 'Safer Wolverhampton Partnership annual report 2017/18',
    language: 'en-GB',
    subtitle: 'Wolverhampton Community Safety Partnership, 1 April 2017 to 31 March 2018',
    author: 'Safer Wolverhampton Partnership',
    sections,
  }
}
