import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_GLOSSARY } from './annual-report-glossary.ts'
import {
  annualReportDocument,
  approvalBlockers,
  changedSinceApproval,
  figureValueText,
  type AssembledReport,
  type ReportChapter,
} from './annual-report.ts'
import type { DocumentBlock } from '../documents/document.ts'
import { figure } from './testing/annual-report-fixtures.ts'

const RULES = { minimumCount: 5 }

function report(chapters: ReportChapter[], extra: Partial<AssembledReport> = {}): AssembledReport {
  return {
    id: 1,
    year: 'FY2017-18',
    title: 'Annual report 2017-18',
    partnership: 'Safer Testshire Partnership',
    state: 'draft',
    round: 1,
    version: 1,
    glossary: DEFAULT_GLOSSARY,
    chapters,
    caseStudies: [],
    figures: new Map(),
    series: new Map(),
    generated: new Map(),
    disclosure: RULES,
    amendments: [],
    ...extra,
  }
}

const block = (id: number, content: ReportChapter['blocks'][number]['content'], openComments = 0) => ({
  id,
  position: id,
  version: 1,
  content,
  updatedAt: '2018-05-01T00:00:00.000Z',
  updatedBy: 'a@example.org',
  openComments,
})

describe('the annual report as a printable document', () => {
  it('prints figures by their unit, and withholds small counts and suppressed figures from the public', () => {
    assert.equal(figureValueText(figure('a', 2_541), 'public', RULES), '2,541')
    assert.equal(figureValueText(figure('b', 15.71, { unit: 'percent', decimals: 1 }), 'public', RULES), '15.7%')
    assert.equal(figureValueText(figure('c', 37_843_000, { unit: 'pence' }), 'public', RULES), '£378,430')
    assert.equal(figureValueText(figure('d', 2), 'public', RULES), '[c]')
    assert.equal(figureValueText(figure('d', 2), 'partnership', RULES), '2')
    assert.equal(figureValueText(figure('e', 40, { suppressed: true }), 'public', RULES), '[c]')
  })

  it('makes a chapter a section, its ### headings sub-sections, figures filled in', () => {
    const doc = annualReportDocument(
      report(
        [
          {
            id: 1,
            position: 1,
            title: 'Violence prevention',
            blocks: [
              block(1, { kind: 'text', markdown: 'Intro.\n\n### Knife crime\nUp to **{{figure:k}}** offences.' }),
              block(2, { kind: 'figure', key: 'k' }),
            ],
          },
        ],
        { figures: new Map([['k', figure('k', 324, { label: 'Knife crime', sentence: 'Knife crime rose.' })]]) },
      ),
      { audience: 'partnership' },
    )
    assert.equal(doc.watermark, 'Draft: not approved')
    const section = doc.sections[0]!
    assert.equal(section.heading, 'Violence prevention')
    assert.deepEqual(section.blocks, [{ kind: 'paragraph', runs: [{ text: 'Intro.' }] }])
    assert.equal(section.sections![0]!.heading, 'Knife crime')
    assert.deepEqual(section.sections![0]!.blocks[0], {
      kind: 'paragraph',
      runs: [{ text: 'Up to ' }, { text: '324', bold: true }, { text: ' offences.' }],
    })
    assert.equal(section.sections![0]!.blocks[1]!.kind, 'note')
  })

  it('shows the public only approved, anonymised, consented case studies', () => {
    const study = {
      id: 5,
      title: 'YOT',
      text: 'She completed four sessions.',
      anonymised: true,
      consentRecordedBy: 'a@example.org',
      consentDate: '2018-03-14',
      approvedBy: null,
      approvedAt: null,
      version: 1,
    }
    const chapters = [
      { id: 1, position: 1, title: 'Cases', blocks: [block(1, { kind: 'case-study' as const, caseStudyId: 5 })] },
    ]
    assert.deepEqual(
      annualReportDocument(report(chapters, { caseStudies: [study] }), { audience: 'public' }).sections[0]!.blocks,
      [],
    )
    const approved = { ...study, approvedBy: 'b@example.org', approvedAt: '2018-04-01T00:00:00.000Z' }
    const blocks = annualReportDocument(report(chapters, { caseStudies: [approved] }), { audience: 'public' })
      .sections[0]!.blocks
    assert.deepEqual(blocks, [
      { kind: 'note', title: 'Case study: YOT', runs: [{ text: 'She completed four sessions.' }] },
    ])
  })

  it('draws a KPI’s quarters as a chart with its table and summary, small counts withheld in public', () => {
    const chapters = [
      {
        id: 1,
        position: 1,
        title: 'FGM',
        blocks: [block(1, { kind: 'chart' as const, indicator: 'FGM', caption: 'FGM incidents' })],
      },
    ]
    const series = new Map([
      [
        'FGM',
        {
          indicator: 'FGM',
          name: 'FGM incidents',
          unit: 'count' as const,
          points: [
            { label: 'Q1', value: 1 },
            { label: 'Q2', value: 6 },
            { label: 'Q3', value: 12 },
            { label: 'Q4', value: null },
          ],
        },
      ],
    ])
    const [chart, note] = annualReportDocument(report(chapters, { series }), { audience: 'public' }).sections[0]!
      .blocks as [DocumentBlock, DocumentBlock]
    assert.equal(chart.kind, 'chart')
    if (chart.kind !== 'chart') return
    // The year (1 + 6 + 12 = 19) is public elsewhere: with Q2 and Q3 shown, Q1 would be 19 - 6 - 12. Q2, the smaller
    // of the two others, is withheld as its complement.
    assert.deepEqual(chart.table.rows, [
      ['Q1', '<5'],
      ['Q2', '[c]'],
      ['Q3', '12'],
      ['Q4', 'Not reported'],
    ])
    assert.equal(chart.summary, 'FGM incidents: Q1 <5; Q2 [c]; Q3 12; Q4 Not reported.')
    assert.match(chart.svg, /role="img"/)
    assert.doesNotMatch(chart.svg, />1</)
    assert.doesNotMatch(chart.svg, />6</)
    assert.equal(note.kind, 'paragraph')
    // The partnership's own version shows every quarter.
    const own = annualReportDocument(report(chapters, { series }), { audience: 'partnership' }).sections[0]!.blocks[0]!
    assert.ok(own.kind === 'chart')
    assert.deepEqual(
      own.table.rows.map((r) => r[1]),
      ['1', '6', '12', 'Not reported'],
    )
  })

  it('prints each audience its own version of a generated part (the public’s disclosure-controlled)', () => {
    const chapters = [
      {
        id: 1,
        position: 1,
        title: 'Appendix C',
        blocks: [block(1, { kind: 'generated' as const, part: 'appendix-c' as const })],
      },
    ]
    const generated = new Map([
      [
        'appendix-c' as const,
        {
          partnership: [{ kind: 'paragraph' as const, runs: [{ text: 'FGM: 1 incident' }] }],
          public: [{ kind: 'paragraph' as const, runs: [{ text: 'FGM: <5 incidents' }] }],
        },
      ],
    ])
    const publicText = JSON.stringify(annualReportDocument(report(chapters, { generated }), { audience: 'public' }))
    assert.ok(publicText.includes('FGM: <5 incidents') && !publicText.includes('FGM: 1 incident'))
    const partnershipText = JSON.stringify(
      annualReportDocument(report(chapters, { generated }), { audience: 'partnership' }),
    )
    assert.ok(partnershipText.includes('FGM: 1 incident'))
  })

  it('says which figures changed since approval', () => {
    const frozen = new Map([
      ['k', figure('k', 324, { label: 'Knife crime' })],
      ['g', figure('g', 64, { label: 'Gun crime' })],
    ])
    const live = new Map([
      ['k', figure('k', 330, { label: 'Knife crime' })],
      ['g', figure('g', 64)],
    ])
    assert.deepEqual(changedSinceApproval(frozen, live, RULES), [
      { key: 'k', label: 'Knife crime', was: '324', now: '330' },
    ])
  })

  it('collects every reason approval is blocked', () => {
    const chapters = [
      {
        id: 1,
        position: 1,
        title: 'Intro',
        blocks: [block(1, { kind: 'table' as const, caption: 'Figures', keys: ['x'] }, 2)],
      },
    ]
    assert.deepEqual(approvalBlockers(report(chapters), [{ kind: 'agrees', message: 'fine' }]), [
      '“Intro” refers to a figure saferhub does not hold: x',
      '“Intro” has 2 unresolved comments',
    ])
  })

  it('withholds the complement of a small quarter bound in the text, since the year gives it back by subtraction', () => {
    // Knife crime 2017-18 (made up): Q1 3, Q2 40, Q3 50, Q4 45; the year 138 is bound in the same paragraph.
    const keys = ['q1', 'q2', 'q3', 'q4', 'outturn']
    const values = [3, 40, 50, 45, 138]
    const figures = new Map(
      keys.map((k, i) => [`kpi:knife:${k}:FY2017-18`, figure(`kpi:knife:${k}:FY2017-18`, values[i] as number)]),
    )
    const markdown = keys.map((k) => `{{figure:kpi:knife:${k}:FY2017-18}}`).join(', ')
    const chapters = [
      { id: 1, position: 1, title: 'Knife crime', blocks: [block(1, { kind: 'text' as const, markdown })] },
    ]
    const text = (audience: 'public' | 'partnership') => {
      const first = annualReportDocument(report(chapters, { figures }), { audience }).sections[0]!.blocks[0]!
      return first.kind === 'paragraph' ? first.runs.map((r) => r.text).join('') : ''
    }
    // Q1 small; of Q2, Q3, Q4 the smallest (40) is the complement: 138 - 50 - 45 leaves Q1 + Q2 = 43, not Q1.
    assert.equal(text('public'), '[c], [c], 50, 45, 138')
    assert.equal(text('partnership'), '3, 40, 50, 45, 138')
  })

  it('withholds nothing more when no quarter is small, or when two are (two unknowns cannot be solved)', () => {
    const chart = (points: (number | null)[]) => {
      const series = new Map([
        [
          'ASB',
          {
            indicator: 'ASB',
            name: 'ASB',
            unit: 'count' as const,
            points: points.map((value, i) => ({ label: `Q${i + 1}`, value })),
          },
        ],
      ])
      const chapters = [
        {
          id: 1,
          position: 1,
          title: 'ASB',
          blocks: [block(1, { kind: 'chart' as const, indicator: 'ASB', caption: 'ASB' })],
        },
      ]
      const first = annualReportDocument(report(chapters, { series }), { audience: 'public' }).sections[0]!.blocks[0]!
      return first.kind === 'chart' ? first.table.rows.map((r) => r[1]) : []
    }
    assert.deepEqual(chart([10, 20, 30, 40]), ['10', '20', '30', '40'])
    assert.deepEqual(chart([2, 3, 30, 40]), ['<5', '<5', '30', '40'])
    // 5 is the smallest count published (the minimum is 5): nothing small, nothing to protect.
    assert.deepEqual(chart([5, 6, 7, 8]), ['5', '6', '7', '8'])
  })
})
