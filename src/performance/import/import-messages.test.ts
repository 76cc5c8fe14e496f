import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import type { Indicator } from '../../domain/indicator.ts'
import { formatProblem } from './import-problem.ts'
import { readPerformanceImport, type PerformanceImport } from './read-performance-import.ts'

/**
 * Issue 9, "Spreadsheet mistakes": every piece of advice is followed here, as a user would (the edit is written
 * out by hand from the message's words), and the corrected row imported again: it must pass.
 */

const indicator = (id: string, fields: Partial<Indicator>): Indicator => ({
  id,
  name: id,
  theme: 'Violence',
  priority: 'Violence Prevention',
  definition: '',
  dataOwner: 'Analyst',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
  ...fields,
})
const known = {
  indicators: new Map(
    [
      indicator('knife', {}),
      indicator('asb', {}),
      indicator('dv-share', { measureType: 'count-with-share', shareLabel: 'repeat victims' }),
      indicator('reoffending', { measureType: 'proportion' }),
      indicator('drug-tests', { cadence: 'monthly' }),
    ].map((i) => [i.id, i]),
  ),
}
const today = new Date('2026-12-07T10:00:00Z') // in financial year 2026/27

const valuesCsv = (row: string) =>
  readPerformanceImport(
    [{ name: 'values.csv', content: Buffer.from(`indicator,period,value,percent\n${row}\n`) }],
    known,
    { today },
  )

function onlyProblem(result: PerformanceImport): { column: string; reason: string } {
  assert.equal(result.problems.length, 1, JSON.stringify(result.problems))
  const [problem] = result.problems
  return { column: problem?.column ?? '', reason: problem?.reason ?? '' }
}

function accepted(result: PerformanceImport): void {
  assert.deepEqual(result.problems, [])
  assert.equal(result.values.length, 1)
}

describe('advice for a percentage where a count goes', () => {
  it('a count indicator: type the count alone, and that is accepted', async () => {
    const problem = onlyProblem(await valuesCsv('knife,FY2026-27-Q1,45%,'))
    assert.equal(problem.column, 'value')
    assert.match(problem.reason, /type a count alone \(45, if that is the figure\)/)
    assert.doesNotMatch(problem.reason, /percent column/, 'a count has no percent column to move it to')
    accepted(await valuesCsv('knife,FY2026-27-Q1,45,'))
  })

  it('a count with a share: the percentage to percent, the count in value, and that is accepted', async () => {
    const problem = onlyProblem(await valuesCsv('dv-share,FY2026-27-Q1,45%,'))
    assert.match(problem.reason, /put 45 in the percent column and the count in this column/)
    accepted(await valuesCsv('dv-share,FY2026-27-Q1,200,45'))
  })

  it('a proportion: the percentage to percent, value left empty, and that is accepted', async () => {
    const result = await valuesCsv('reoffending,FY2026-27-Q1,45%,')
    // Two problems, both on value and saying the same: the figure is a percentage, and value is not used.
    assert.deepEqual(
      result.problems.map((p) => p.column),
      ['value', 'value'],
    )
    assert.match(result.problems[0]?.reason ?? '', /put 45 in the percent column .* and leave this cell empty/)
    assert.match(result.problems[1]?.reason ?? '', /value is not used for a proportion indicator/)
    accepted(await valuesCsv('reoffending,FY2026-27-Q1,,45'))
  })
})

describe('did you mean, for periods', () => {
  for (const [written, meant] of [
    ['Q1 2024/25', '2024/25 Q1'],
    ['2024-25 Q1', '2024/25 Q1'],
    ['q3 fy24/25', '2024/25 Q3'],
    ['2024/25 Quarter 4', '2024/25 Q4'],
  ] as const) {
    it(`"${written}" is ${meant}, and ${meant} is accepted`, async () => {
      const problem = onlyProblem(await valuesCsv(`knife,${written},4,`))
      assert.equal(problem.column, 'period')
      assert.match(problem.reason, new RegExp(`did you mean ${meant.replace('/', '\\/')}\\?`))
      accepted(await valuesCsv(`knife,${meant},4,`))
    })
  }

  it('a date typed in a quarterly KPI: the quarter it falls in (UK day first), which is accepted', async () => {
    // 1 May 2024 is in April–June 2024, the first quarter of 2024/25.
    const problem = onlyProblem(await valuesCsv('knife,01/05/2024,4,'))
    assert.match(
      problem.reason,
      /is a date, not a period: did you mean 2024\/25 Q1 \(the quarter the date falls in\)\?/,
    )
    accepted(await valuesCsv('knife,2024/25 Q1,4,'))
  })

  it('a date in a monthly KPI: the month it falls in', async () => {
    const problem = onlyProblem(await valuesCsv('drug-tests,2025-02-14,4,'))
    assert.match(problem.reason, /did you mean 2025-02 \(the month the date falls in\)\?/)
    accepted(await valuesCsv('drug-tests,2025-02,4,'))
  })

  it('a date stored by Excel: the quarter it falls in, to type as text', async () => {
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('Values').addRows([
      ['indicator', 'period', 'value'],
      ['knife', new Date(Date.UTC(2025, 0, 15)), 4], // 15 January 2025: 2024/25 Q4
    ])
    const result = await readPerformanceImport(
      [{ name: 'returns.xlsx', content: Buffer.from(await workbook.xlsx.writeBuffer()) }],
      known,
      { today },
    )
    assert.match(
      onlyProblem(result).reason,
      /holds a date \(2025-01-15\), not a period: format the cell as text and type 2024\/25 Q4 \(the quarter the date falls in\)/,
    )
    accepted(await valuesCsv('knife,2024/25 Q4,4,'))
  })

  it('a baseline year written as a quarter: the year it is in', async () => {
    const result = await readPerformanceImport(
      [{ name: 'baselines.csv', content: Buffer.from('indicator,year,source,value\nknife,2024/25 Q2,fixed,40\n') }],
      known,
      { today },
    )
    assert.match(onlyProblem(result).reason, /is not a financial year: a baseline is for a whole year, e.g. 2024\/25/)
    const fixed = await readPerformanceImport(
      [{ name: 'baselines.csv', content: Buffer.from('indicator,year,source,value\nknife,2024/25,fixed,40\n') }],
      known,
      { today },
    )
    assert.deepEqual(fixed.problems, [])
  })
})

describe('did you mean, for indicator ids', () => {
  it('knife-crime is knife (one is the other with a word more), and knife is accepted', async () => {
    const problem = onlyProblem(await valuesCsv('knife-crime,FY2026-27-Q1,4,'))
    assert.equal(problem.column, 'indicator')
    assert.match(problem.reason, /unknown indicator "knife-crime" \(did you mean knife\?\)/)
    accepted(await valuesCsv('knife,FY2026-27-Q1,4,'))
  })

  it('a misspelling within a couple of edits: dv-shre is dv-share', async () => {
    assert.match(onlyProblem(await valuesCsv('dv-shre,FY2026-27-Q1,4,')).reason, /did you mean dv-share\?/)
  })

  it('suggests nothing when nothing is close', async () => {
    assert.doesNotMatch(onlyProblem(await valuesCsv('burglary,FY2026-27-Q1,4,')).reason, /did you mean/)
  })
})

describe('examples in the current financial year', () => {
  it('takes its examples from the clock, not from 2017/18', async () => {
    const reasonOn = async (day: string) =>
      onlyProblem(
        await readPerformanceImport(
          [{ name: 'values.csv', content: Buffer.from('indicator,period,value\nknife,whenever,4\n') }],
          known,
          { today: new Date(day) },
        ),
      ).reason
    // 31 March 2027 is the last day of 2026/27; 1 April 2027 the first of 2027/28.
    assert.match(await reasonOn('2027-03-31T12:00:00Z'), /such as FY2026-27-Q1, FY2026-27-B1, 2026-04 or FY2026-27/)
    assert.match(await reasonOn('2027-04-01T12:00:00Z'), /such as FY2027-28-Q1, FY2027-28-B1, 2027-04 or FY2027-28/)
    assert.doesNotMatch(await reasonOn('2027-04-01T12:00:00Z'), /2017/)
  })
})

describe('where a problem is, printed', () => {
  it('names file, row and column in words, and never prints file:2::', () => {
    assert.equal(
      formatProblem({ file: 'values.csv', row: 2, column: 'value', reason: '"x" is not a number' }),
      'values.csv, row 2, column value: "x" is not a number',
    )
    assert.equal(
      formatProblem({ file: 'values.csv', row: 2, column: '', reason: 'this row has 5 cells' }),
      'values.csv, row 2: this row has 5 cells',
    )
    assert.equal(
      formatProblem({ file: 'book.xlsx, sheet Values', row: 0, column: '', reason: 'too many rows' }),
      'book.xlsx, sheet Values: too many rows',
    )
    assert.equal(formatProblem({ file: '', row: 0, column: '', reason: 'no files were given' }), 'no files were given')
  })
})
