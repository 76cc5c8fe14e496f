/**
 * Re-makes performance-framework.xlsx from the three CSV files beside it, so that the demo data exists in both
 * import formats with the same content:
 *
 *   npx tsx demo/performance-framework/build-workbook.ts
 *
 * The CSV files are the transcription; this workbook is derived from them. It reads them with csv-parse directly
 * (not with the importer it is meant to test), and writes figures as number cells and everything else as text, as
 * a partnership officer's own workbook would hold them. An "About" sheet carries the source and licence; the
 * importer ignores sheets other than Indicators, Baselines and Values.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'

const here = path.dirname(fileURLToPath(import.meta.url))

/** Columns whose cells are written as numbers. */
const NUMBER_COLUMNS = new Set(['value', 'numerator', 'denominator', 'percent', 'rate_per', 'target_value'])
const PLAIN_NUMBER = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/

const SHEETS = [
  { sheet: 'Indicators', file: 'indicators.csv' },
  { sheet: 'Baselines', file: 'baselines.csv' },
  { sheet: 'Values', file: 'values.csv' },
] as const

export async function buildWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'saferhub demo data'
  // Fixed dates, so that re-making the workbook changes it only where the data changed.
  workbook.created = new Date(Date.UTC(2018, 5, 30))
  workbook.modified = new Date(Date.UTC(2018, 5, 30))

  const about = workbook.addWorksheet('About')
  about.addRows([
    ['Safer Wolverhampton Partnership: performance framework 2016/17 and 2017/18'],
    ['Source: Safer Wolverhampton Partnership Annual Report 2017-2018, Appendix C (a public document).'],
    ['Transcription decisions: demo/performance-framework/NOTES.md'],
    ['Contains public sector information licensed under the Open Government Licence v3.0'],
  ])
  about.getColumn(1).width = 100

  for (const { sheet, file } of SHEETS) {
    const records = parse(readFileSync(path.join(here, file)), { bom: true }) as string[][]
    const [header, ...rows] = records
    if (!header) throw new Error(`${file} has no header`)
    const worksheet = workbook.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] })
    worksheet.addRow(header)
    worksheet.getRow(1).font = { bold: true }
    for (const row of rows) {
      worksheet.addRow(
        row.map((cell, i) => {
          if (cell === '') return null
          return NUMBER_COLUMNS.has(header[i] ?? '') && PLAIN_NUMBER.test(cell) ? Number(cell) : cell
        }),
      )
    }
    header.forEach((name, i) => {
      worksheet.getColumn(i + 1).width = Math.min(60, Math.max(10, name.length + 2))
    })
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { writeFileSync } = await import('node:fs')
  const target = path.join(here, 'performance-framework.xlsx')
  writeFileSync(target, await buildWorkbook())
  console.log(`Wrote ${path.relative(process.cwd(), target)}`)
}
