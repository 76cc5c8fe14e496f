/**
 * `npm run bench:imports [-- --ping-seconds 5]`: previewing large workbooks while the server is asked `/ping`.
 * Builds, in a child process (so this one stays small), two workbooks written by hand:
 *   - a ~20 MB workbook (the largest accepted): a Values sheet of ~80,000 rows with 300 characters of commentary
 *     each, its texts in shared strings as Excel writes them;
 *   - the hostile shape of issue 9: four large sheets (Indicators, Baselines, Values, Notes) of repetitive rows at
 *     about 90:1 compression, inside the zip limits (a ~2 MB file that inflates to ~190 MB); each named sheet goes
 *     on past the 100,000-row limit, so reading stops there.
 * Starts `saferhub serve` on the demo data, keeps each workbook as an upload of the demo analyst, then previews it
 * (GET /imports/:id) while four clients ask `/ping` back to back, and prints the preview's time, the server's peak
 * resident memory during it (sampled from /proc every 20 ms, after resetting the kernel's high-water mark), and
 * `/ping`'s p50/p99 during the preview beside a reference run of `/ping` alone in the same server. Goal (issue 9):
 * peak under 300 MB and `/ping` p99 under 100 ms while the 20 MB workbook is previewed.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { deflateRawSync } from 'node:zlib'
import { createUploadStore } from '../src/imports-web/upload-store.ts'
import { writeZip } from '../src/performance/import/testing/zip-writer.ts'
import { ms, percentile, signIn, startBenchServer } from './support/web-load.ts'

const { values: options } = parseArgs({
  options: {
    'ping-seconds': { type: 'string', default: '5' },
    build: { type: 'string' },
  },
})

const MB = 1024 * 1024
const CONTENT_TYPES = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types/>')
const RELATIONSHIP = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

function workbookParts(sheetNames: readonly string[], sharedStrings: boolean) {
  const sheets = sheetNames.map((name, i) => `<sheet name="${name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')
  const rels = sheetNames
    .map(
      (_, i) =>
        `<Relationship Id="rId${i + 1}" Type="${RELATIONSHIP}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
    )
    .concat(
      sharedStrings
        ? [`<Relationship Id="rIdS" Type="${RELATIONSHIP}/sharedStrings" Target="sharedStrings.xml"/>`]
        : [],
    )
    .join('')
  return [
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    {
      name: 'xl/workbook.xml',
      data: Buffer.from(
        `<?xml version="1.0"?><workbook xmlns:r="${RELATIONSHIP}"><sheets>${sheets}</sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: Buffer.from(`<?xml version="1.0"?><Relationships>${rels}</Relationships>`),
    },
  ]
}

/** The n-th quarter from FY1990-91 (0-based): 840 different ones up to FY2199-00, then they repeat. */
function quarter(n: number): string {
  const start = 1990 + Math.floor((n % 840) / 4)
  return `FY${start}-${String((start + 1) % 100).padStart(2, '0')}-Q${(n % 4) + 1}`
}

/** The largest accepted workbook: about 20 MB, its commentary random (so it does not compress). */
function largeWorkbook(): Buffer {
  const rows: string[] = []
  const strings: string[] = ['indicator', 'period', 'value', 'commentary', 'knife-crime']
  rows.push(
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>',
  )
  let compressed = 0
  let chunk: string[] = []
  for (let r = 2; compressed < 17.5 * MB; r++) {
    const text = randomBytes(225).toString('base64')
    strings.push(quarter(r - 2), text)
    const p = strings.length - 2
    chunk.push(
      `<row r="${r}"><c r="A${r}" t="s"><v>4</v></c><c r="B${r}" t="s"><v>${p}</v></c><c r="C${r}"><v>${r % 500}</v></c><c r="D${r}" t="s"><v>${p + 1}</v></c></row>`,
    )
    if (chunk.length === 1000) {
      rows.push(chunk.join(''))
      compressed += deflateRawSync(strings.slice(-2000).join('')).length
      chunk = []
    }
  }
  rows.push(chunk.join(''))
  const sheet = `<?xml version="1.0"?><worksheet><sheetData>${rows.join('')}</sheetData></worksheet>`
  const shared = `<?xml version="1.0"?><sst>${strings.map((s) => `<si><t>${s}</t></si>`).join('')}</sst>`
  return writeZip([
    ...workbookParts(['Values'], true),
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(sheet) },
    { name: 'xl/sharedStrings.xml', data: Buffer.from(shared) },
  ])
}

/** Issue 9's hostile shape: four large sheets of repetitive rows, highly compressed, each just inside the limits. */
function hostileWorkbook(): Buffer {
  const names = ['Indicators', 'Baselines', 'Values', 'Notes']
  const sheets = names.map((_, i) => {
    const parts: string[] = ['<?xml version="1.0"?><worksheet><sheetData>']
    let size = 0
    for (let r = 1; size < 47 * MB; r++) {
      // Rows without numbers (the reader counts them), a value cycling through 160: about 90:1, under the 100:1
      // the zip checks refuse.
      const row = `<row><c t="inlineStr"><is><t>knife-crime</t></is></c><c t="inlineStr"><is><t>FY2017-18-Q${(r % 4) + 1}</t></is></c><c><v>${r % 160}</v></c></row>`
      parts.push(row)
      size += row.length
    }
    parts.push('</sheetData></worksheet>')
    return { name: `xl/worksheets/sheet${i + 1}.xml`, data: Buffer.from(parts.join('')) }
  })
  return writeZip([...workbookParts(names, false), ...sheets])
}

if (options.build !== undefined) {
  writeFileSync(path.join(options.build, 'large.xlsx'), largeWorkbook())
  writeFileSync(path.join(options.build, 'hostile.xlsx'), hostileWorkbook())
  process.exit(0)
}

const pingSeconds = Number(options['ping-seconds'])

/** The server's resident memory now and the kernel's high-water mark, in MB (Linux). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

/** Asks /ping back to back from four clients until `until` settles (or for `seconds`), each answer timed. */
async function pings(base: string, until: Promise<unknown>): Promise<number[]> {
  const times: number[] = []
  let done = false
  void until.finally(() => (done = true))
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (!done) {
        const started = performance.now()
        const response = await fetch(`${base}/ping`)
        await response.arrayBuffer()
        times.push(performance.now() - started)
      }
    }),
  )
  return times.sort((a, b) => a - b)
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'saferhub-bench-imports-'))
  const dataDirectory = path.join(work, 'data')
  const built = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--build', work], {
    stdio: 'inherit',
  })
  if (built.status !== 0) throw new Error('building the workbooks failed')
  const server = await startBenchServer({ SAFERHUB_DATA_DIR: dataDirectory, SAFERHUB_DEMO: 'true', DATABASE_URL: '' })
  const pid = server.child.pid as number
  try {
    const analyst = await signIn(server.base, 'partnership-analyst')
    // A small upload through the form, to learn whose uploads the analyst's are (partnership and user ids).
    const form = new FormData()
    form.append('files', new Blob(['indicator,period,value\r\nknife-crime,FY2017-18-Q3,1\r\n']), 'v.csv')
    const first = await fetch(`${server.base}/imports?_csrf=${analyst.csrf}`, {
      method: 'POST',
      body: form,
      headers: { cookie: analyst.cookie },
      redirect: 'manual',
    })
    const firstId = /([0-9a-f]{32})$/.exec(first.headers.get('location') ?? '')?.[1]
    if (!firstId) throw new Error(`the upload form answered ${first.status}`)
    const uploads = createUploadStore(dataDirectory)
    const owner = JSON.parse(readFileSync(path.join(uploads.directory, firstId, 'upload.json'), 'utf8')) as {
      partnershipId: number
      userId: number
    }

    console.log(`bench:imports — on ${server.base} (Node ${process.version}, ${os.cpus().length} CPUs, shared machine)`)
    await new Promise((r) => setTimeout(r, 1000))
    const idle = memoryOf(pid)
    const reference = await pings(server.base, new Promise((r) => setTimeout(r, pingSeconds * 1000)))
    console.log(
      `Reference, /ping alone for ${pingSeconds} s: ${reference.length} answers, p50 ${ms(percentile(reference, 50))} ms, p99 ${ms(percentile(reference, 99))} ms; server RSS ${idle.rss.toFixed(0)} MB`,
    )

    const rows = []
    for (const name of ['large.xlsx', 'hostile.xlsx']) {
      const file = path.join(work, name)
      const copy = path.join(uploads.directory, `bench-${name}`)
      writeFileSync(copy, readFileSync(file))
      const upload = await uploads.save(owner, [{ name, path: copy }], new Date())
      writeFileSync(`/proc/${pid}/clear_refs`, '5') // resets VmHWM to the current RSS
      const before = memoryOf(pid)
      let sampledPeak = before.rss
      const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, memoryOf(pid).rss)), 20)
      const started = performance.now()
      const preview = fetch(`${server.base}/imports/${upload.id}`, { headers: { cookie: analyst.cookie } }).then(
        async (r) => ({ status: r.status, page: await r.text() }),
      )
      const during = await pings(server.base, preview)
      const { status, page } = await preview
      const took = performance.now() - started
      clearInterval(sampler)
      const after = memoryOf(pid)
      // And again: the preview is kept, so the second one is not read again.
      const againStarted = performance.now()
      const again = await fetch(`${server.base}/imports/${upload.id}`, { headers: { cookie: analyst.cookie } })
      await again.text()
      const againTook = performance.now() - againStarted
      const problems = [...page.matchAll(/app-import-problem/g)].length
      const reason = /<td class="govuk-table__cell">([^<]{20,300})<\/td>/.exec(page)?.[1]?.trim()
      rows.push({
        workbook: `${name} (${(statSync(file).size / MB).toFixed(1)} MB)`,
        status,
        'preview s': (took / 1000).toFixed(1),
        'again s': (againTook / 1000).toFixed(2),
        'RSS before MB': before.rss.toFixed(0),
        'peak RSS MB': Math.max(after.peak, sampledPeak).toFixed(0),
        '/ping n': during.length,
        '/ping p50 ms': ms(percentile(during, 50)),
        '/ping p99 ms': ms(percentile(during, 99)),
        'p99 ÷ reference': (percentile(during, 99) / percentile(reference, 99)).toFixed(1),
      })
      console.log(`${name}: ${problems} problems listed${reason ? `; the first: ${reason.slice(0, 160)}` : ''}`)
    }
    console.table(rows)
    console.log('Goal: peak RSS < 300 MB and /ping p99 < 100 ms while the 20 MB workbook is previewed.')
  } finally {
    await server.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
