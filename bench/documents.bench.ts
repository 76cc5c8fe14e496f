/**
 * `npm run bench:documents [-- --repeats 5]`: printing a ~30-page report to a tagged PDF (issue 11: under 3 s).
 * Builds a report of 10 chapters (paragraphs, sub-sections, notes), 20 tables and 10 charts from src/charts with
 * real-looking figures, prints it with the PdfPrinter (one warm-up first: the browser's launch is paid once per
 * process, not per print), and beside it, in the same run and the same browser, Chromium printing the same HTML as a
 * static page: saved to a file, opened with `page.goto(file://…)`, printed without tagging or outline. Prints each
 * median (of several repeats), the ratio, the pages printed, and whether the report prints in under 3 s.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { documentHtml } from '../src/documents/document-html.ts'
import { PdfPrinter } from '../src/documents/pdf-printer.ts'
import { sampleDocument } from '../src/documents/testing/sample-document.ts'

const { values: options } = parseArgs({ options: { repeats: { type: 'string', default: '5' } } })
const repeats = Math.max(1, Number(options.repeats) || 5)

const doc = sampleDocument({ chapters: 10, tables: 20, charts: 10, paragraphsPerChapter: 6 })
const html = documentHtml(doc)
const directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-documents-bench-'))
const file = path.join(directory, 'report.html')
writeFileSync(file, html)
const url = pathToFileURL(file).href

/** Pages in a PDF, from its page tree (Chromium writes one /Type /Pages root with the /Count of all pages). */
function pageCount(pdf: Buffer): number {
  const counts = [...pdf.toString('latin1').matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)/g)].map((m) =>
    Number(m[1]),
  )
  return counts.length > 0 ? Math.max(...counts) : (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/**
 * CPU time (user + system, in ms) used so far by this process and every process under it (Chromium's browser,
 * renderer and GPU processes), from /proc: on a machine shared with other work the wall-clock time grows with the
 * load, the CPU time much less, so both are printed. Linux only; 0 elsewhere.
 */
function cpuMs(): number {
  const tick = 1000 / 100 // USER_HZ is 100 on Linux
  const parents = new Map<number, number>()
  const used = new Map<number, number>()
  let entries: string[]
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e))
  } catch {
    return 0
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      parents.set(Number(entry), Number(fields[1]))
      used.set(Number(entry), (Number(fields[11]) + Number(fields[12])) * tick)
    } catch {
      // The process ended while being read.
    }
  }
  let total = 0
  for (const [pid, ms] of used) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) {
      if (p === process.pid) {
        total += ms
        break
      }
    }
  }
  return total
}

async function time(print: () => Promise<Buffer>): Promise<{ ms: number; cpu: number; pdf: Buffer }> {
  const cpuBefore = cpuMs()
  const start = process.hrtime.bigint()
  const pdf = await print()
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpu: cpuMs() - cpuBefore, pdf }
}

const printer = new PdfPrinter({ timeoutMs: 120_000 })
try {
  // Warm-up: launches the browser, and lets both paths load their code once.
  const warm = await time(() => printer.print(doc))
  await printer.printUrl(url, { tagged: false })
  const tagged: number[] = []
  const baseline: number[] = []
  const untagged: number[] = []
  const taggedCpu: number[] = []
  const baselineCpu: number[] = []
  let pages = 0
  let baselinePages = 0
  let bytes = 0
  for (let i = 0; i < repeats; i++) {
    // Alternated, so that a busy moment on the machine falls on both.
    const report = await time(() => printer.print(doc))
    tagged.push(report.ms)
    taggedCpu.push(report.cpu)
    pages = pageCount(report.pdf)
    bytes = report.pdf.length
    const plain = await time(() => printer.printUrl(url, { tagged: false }))
    baseline.push(plain.ms)
    baselineCpu.push(plain.cpu)
    // The same HTML through the same path without tagging or outline: what tagging itself costs.
    untagged.push((await time(() => printer.printHtml(html, { tagged: false, runningTitle: doc.title }))).ms)
    baselinePages = pageCount(plain.pdf)
  }
  const report = median(tagged)
  const staticPage = median(baseline)
  const line = (label: string, values: number[]) =>
    `${label.padEnd(58)} median ${median(values).toFixed(0).padStart(5)} ms  (${values.map((v) => v.toFixed(0)).join(', ')})`
  console.log(
    `Printing a ${pages}-page report (10 chapters, 20 tables, 10 charts; HTML ${(html.length / 1024).toFixed(0)} KiB)`,
  )
  console.log(`first print, with the browser's launch: ${warm.ms.toFixed(0)} ms`)
  console.log(line('report: documentHtml → PdfPrinter.print (tagged, outline)', tagged))
  console.log(line(`static page: goto(file://) → page.pdf (untagged), ${baselinePages} pages`, baseline))
  console.log(line('the report untagged (same path, tagged: false, no outline)', untagged))
  console.log(`ratio report / static page: ${(report / staticPage).toFixed(2)}`)
  console.log(
    `CPU time (Node and Chromium): report median ${median(taggedCpu).toFixed(0)} ms, static page median ` +
      `${median(baselineCpu).toFixed(0)} ms, ratio ${(median(taggedCpu) / median(baselineCpu)).toFixed(2)}`,
  )
  console.log(`PDF: ${(bytes / 1024).toFixed(0)} KiB`)
  // The machine's load beside the figures: on a shared machine a busy minute doubles every time.
  console.log(
    `load average (1, 5, 15 min): ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')} on ${os.cpus().length} cores`,
  )
  console.log(
    `30-page report in under 3 s: ${report < 3000 ? 'yes' : 'NO'} (${(report / 1000).toFixed(2)} s, ${pages} pages)`,
  )
} finally {
  await printer.close()
  rmSync(directory, { recursive: true, force: true })
}
