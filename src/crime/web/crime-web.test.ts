import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { loadConfig } from '../../config.ts'
import { createServices, type Services } from '../../composition-root.ts'
import { openTestDatabase } from '../../../test/support/databases.ts'
import { createApp } from '../../web/app.ts'
import { TestBrowser } from '../../accounts/web/test-client.ts'
import { demoUsers } from '../../accounts/demo-users.ts'
import { independentCounts } from '../ingest/independent-counts.ts'
import { CRIME_UPLOAD_LIMIT_BYTES } from './import-routes.ts'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url))
const GWENT_MONTHS = ['2020-01', '2020-04', '2020-12']
const gwentFile = (month: string) => path.join(FIXTURES, 'police-uk', 'real', `${month}-gwent-street.csv`)
const NEWPORT = 'W14000022'

/**
 * Expected totals from the committed independent sums (test/fixtures/crime-headlines/gwent-counts.csv, made by
 * make_gwent.py with Python's csv module): Newport's crimes by month and by type, anti-social behaviour apart.
 */
function expectedNewport() {
  const lines = fs
    .readFileSync(path.join(FIXTURES, 'crime-headlines', 'gwent-counts.csv'), 'utf8')
    .trim()
    .split('\n')
  const byMonth = new Map<string, number>()
  const byType = new Map<string, number>()
  for (const line of lines.slice(1)) {
    const [code, month, crimeType, count] = line.split(',') as [string, string, string, string]
    if (code !== NEWPORT || !GWENT_MONTHS.includes(month)) continue
    byType.set(crimeType, (byType.get(crimeType) ?? 0) + Number(count))
    if (crimeType !== 'Anti-social behaviour') byMonth.set(month, (byMonth.get(month) ?? 0) + Number(count))
  }
  return { byMonth, byType }
}

const password = (role: string) => demoUsers.find((u) => u.role === role)?.password as string
const email = (role: string) => demoUsers.find((u) => u.role === role)?.email as string
const n = (value: number) => value.toLocaleString('en-GB')

describe('crime overview and crime imports in the browser', () => {
  let services: Services
  let server: Server
  let base: string
  let analyst: TestBrowser
  let dataDirectory: string

  before(async () => {
    const database = await openTestDatabase('sqlite')
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-crime-web-'))
    services = await createServices(
      loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true', SAFERHUB_DATA_DIR: dataDirectory }),
      { database },
    )
    server = createApp(services, { logger: { log: () => {} } }).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    analyst = await signedIn('partnership-analyst')
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await services.close()
    await rm(dataDirectory, { recursive: true, force: true })
  })

  /** What the uploads folder of the data directory holds: every received upload is removed once it is used. */
  async function leftInUploads(): Promise<string[]> {
    return readdir(path.join(dataDirectory, 'uploads')).catch(() => [])
  }

  async function signedIn(role: string) {
    const browser = new TestBrowser(base)
    assert.equal((await browser.signIn(email(role), password(role))).status, 303)
    return browser
  }

  /** Uploads one file through the import form (CSRF token in the action URL, as the page's form sends it). */
  async function upload(browser: TestBrowser, kind: string, name: string, content: Buffer) {
    const page = await (await browser.get('/crime/imports')).text()
    const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(page)?.[1]
    assert.ok(action, 'the import page has the upload form')
    const form = new FormData()
    form.set('kind', kind)
    form.set('file', new Blob([new Uint8Array(content)]), name)
    const posted = await browser.request(action.replace(/&amp;/g, '&'), { method: 'POST', body: form })
    return posted
  }

  const storedState = async () => ({
    forceMonths: await services.crime.repository.forceMonths(),
    counts: await services.crime.repository.partnershipCounts(),
  })

  it('says when no crime data is loaded and links to the import page', async () => {
    const html = await (await analyst.get(`/crime?partnership=${NEWPORT}`)).text()
    assert.match(html, /No data\.police\.uk street-level crime is loaded for Gwent/)
    assert.match(html, /href="\/crime\/imports"/)
  })

  it('a bad upload lists the problem with file and line, and writes nothing', async () => {
    const before = await storedState()
    const bad = fs.readFileSync(
      path.join(FIXTURES, 'police-uk', 'malformed', 'unknown-crime-type', '2020-01-gwent-street.csv'),
    )
    const posted = await upload(analyst, 'police-uk', '2020-01-gwent-street.csv', bad)
    assert.equal(posted.status, 303)
    assert.equal(posted.headers.get('location'), '/crime/imports')
    const html = await (await analyst.get('/crime/imports')).text()
    assert.match(html, /Nothing was imported/)
    assert.match(html, /2020-01-gwent-street\.csv, line 5/)
    assert.match(html, /unknown crime type &quot;Violence and sexual offence&quot;/)
    assert.doesNotMatch(html, /receiving-|police-uk\//, 'the temporary folder is never shown')
    assert.deepEqual(await storedState(), before)

    const named = await upload(analyst, 'police-uk', 'crimes.csv', bad)
    assert.equal(named.status, 303)
    assert.match(await (await analyst.get('/crime/imports')).text(), /must look like 2020-01-gwent-street\.csv/)

    const population = await upload(analyst, 'population', 'population.xlsx', Buffer.from('not a workbook'))
    assert.equal(population.status, 303)
    assert.match(await (await analyst.get('/crime/imports')).text(), /Nothing was imported: population\.xlsx has/)
    assert.deepEqual(await services.crimeComparisons.referenceRepository.populationYears(), [])
    assert.deepEqual(await storedState(), before)
  })

  it('a form without a file or kind is refused with the error summary', async () => {
    const page = await (await analyst.get('/crime/imports')).text()
    const action = (/action="([^"]+)" enctype/.exec(page)?.[1] as string).replace(/&amp;/g, '&')
    const form = new FormData()
    form.set('kind', 'nonsense')
    const posted = await analyst.request(action, { method: 'POST', body: form })
    assert.equal(posted.status, 400)
    const html = await posted.text()
    assert.match(html, /There is a problem/)
    assert.match(html, /Select what the file holds/)
    assert.match(html, /Choose a file to upload/)
  })

  it('imports the Gwent months from the browser and shows the independent counts in the summary', async () => {
    const expected = independentCounts(GWENT_MONTHS.map(gwentFile))
    for (const month of GWENT_MONTHS) {
      const posted = await upload(analyst, 'police-uk', `${month}-gwent-street.csv`, fs.readFileSync(gwentFile(month)))
      assert.equal(posted.status, 303)
      const html = await (await analyst.get('/crime/imports')).text()
      const figures = expected[gwentFile(month)]
      assert.ok(figures)
      const summaryValue = (label: string) => {
        const match = new RegExp(
          `${label}\\s*</dt>\\s*<dd class="govuk-summary-list__value">\\s*([^<]*?)\\s*</dd>`,
        ).exec(html)
        return match?.[1]
      }
      assert.equal(summaryValue('Rows read'), n(figures.rows), month)
      assert.equal(summaryValue('Rows without a location'), n(figures.without_location), month)
      assert.equal(summaryValue('Rows whose area could not be placed in one partnership'), n(figures.unmapped), month)
      assert.equal(
        summaryValue('Rows in a partnership outside the force&#39;s area \\(counted there\\)'),
        n(figures.outside),
      )
      assert.equal(
        summaryValue('Rows mapped to a partnership'),
        n(figures.rows - figures.without_location - figures.unmapped),
        month,
      )
    }
    assert.deepEqual(
      (await services.crime.repository.forceMonths()).map((fm) => fm.month),
      GWENT_MONTHS,
    )
    assert.deepEqual(await leftInUploads(), [], 'each received file is removed once imported')
  })

  it('shows the monthly totals an independent count gives, with the chart and table agreeing', async () => {
    const { byMonth, byType } = expectedNewport()
    const viewer = await signedIn('viewer')
    const html = await (await viewer.get(`/crime?partnership=Newport`)).text()
    assert.match(html, /Police recorded crime: Newport/)
    const table = /<table class="govuk-table" id="monthly-table">([\s\S]*?)<\/table>/.exec(html)?.[1] as string
    assert.ok(table)
    const rows = [
      ...table.matchAll(/<time datetime="(\d{4}-\d{2})">[^<]*<\/time><\/th>\s*<td[^>]*>([^<]*)<\/td>/g),
    ].map((m) => [m[1], m[2]] as const)
    // January to December 2020: the three loaded months with their totals, the nine others gaps (never zero).
    assert.equal(rows.length, 12)
    for (const [month, cell] of rows) {
      const want = byMonth.get(month as string)
      assert.equal(cell, want === undefined ? 'Not loaded' : n(want), month)
    }
    // The chart: one point per loaded month, higher totals drawn higher (smaller y), and its description names them.
    const chart = /<svg[^>]*aria-labelledby="crime-by-month-title crime-by-month-desc"[\s\S]*?<\/svg>/.exec(html)?.[0]
    assert.ok(chart)
    const ys = [...chart.matchAll(/<circle class="app-chart__point" cx="[^"]+" cy="([^"]+)"/g)].map((m) => Number(m[1]))
    assert.equal(ys.length, 3)
    const values = GWENT_MONTHS.map((m) => byMonth.get(m) as number)
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        if ((values[i] as number) > (values[j] as number)) assert.ok((ys[i] as number) < (ys[j] as number))
      }
    }
    const desc = /<desc id="crime-by-month-desc">([^<]*)<\/desc>/.exec(chart)?.[1] as string
    assert.ok(desc.includes(`${n(byMonth.get('2020-01') as number)} in Jan 2020`))
    assert.ok(desc.includes(`${n(byMonth.get('2020-12') as number)} in Dec 2020`))
    assert.match(desc, /9 months are not loaded/)
    // No financial quarter has all three months.
    assert.match(html, /No financial quarter of total recorded crime in Newport has all three months loaded/)

    // The crime-type mix of the 12 months to December 2020: every type's sum, anti-social behaviour apart.
    const mix = /<table class="govuk-table" id="mix-table">([\s\S]*?)<\/table>/.exec(html)?.[1] as string
    for (const [crimeType, crimes] of byType) {
      if (crimeType === 'Anti-social behaviour') continue
      assert.match(mix, new RegExp(`${crimeType}</th>\\s*<td[^>]*>${n(crimes)}</td>`), crimeType)
    }
    assert.doesNotMatch(mix, /Anti-social behaviour/)
    assert.ok(html.includes(`not counted as crimes: ${n(byType.get('Anti-social behaviour') as number)}`))

    // Headline figures and the comparison with the force's partnerships, with the direction that counts as best.
    assert.match(html, /Headline figures, 2020-2021/)
    assert.match(html, /the lowest rate ranks 1st/)
    assert.match(html, /the lowest increase or largest fall ranks 1st/)
    assert.match(html, /not loaded for/, 'the headline notes say which months are missing')
  })

  it('downloads the monthly figures as CSV', async () => {
    const { byMonth } = expectedNewport()
    const response = await analyst.get(`/crime/months.csv?partnership=${NEWPORT}`)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /text\/csv/)
    assert.match(response.headers.get('content-disposition') ?? '', /newport-recorded-crime-by-month\.csv/)
    const lines = (await response.text()).replace(/^\uFEFF/, '').split('\r\n')
    assert.equal(lines[0], 'Partnership,ONS code,Month,Total recorded crime,Note')
    for (const month of GWENT_MONTHS) {
      assert.ok(lines.includes(`Newport,${NEWPORT},${month},${byMonth.get(month)},`), month)
    }
    assert.ok(lines.includes(`Newport,${NEWPORT},2020-02,,not loaded`))
  })

  it('a second bad upload of a loaded month leaves the stored month as it was', async () => {
    const before = await storedState()
    const bad = fs.readFileSync(path.join(FIXTURES, 'police-uk', 'malformed', 'truncated', '2020-01-gwent-street.csv'))
    assert.equal((await upload(analyst, 'police-uk', '2020-01-gwent-street.csv', bad)).status, 303)
    assert.match(await (await analyst.get('/crime/imports')).text(), /line 9/)
    assert.deepEqual(await storedState(), before)
  })

  it('imports the ONS population workbook from the browser; a workbook of the wrong kind is refused whole', async () => {
    const populationFile = fs.readFileSync(path.join(FIXTURES, 'ons', 'LAD23_Mid_Year_pop_2011_to_2023.xlsx'))
    const beforeTables = await services.crimeComparisons.referenceRepository.listRecordedCrimeYears()
    const wrong = await upload(analyst, 'ons-tables', 'LAD23_Mid_Year_pop_2011_to_2023.xlsx', populationFile)
    assert.equal(wrong.status, 303)
    const refused = await (await analyst.get('/crime/imports')).text()
    assert.match(refused, /Nothing was imported: LAD23_Mid_Year_pop_2011_to_2023\.xlsx has \d+ problems?/)
    assert.match(refused, /LAD23_Mid_Year_pop_2011_to_2023\.xlsx\[/, 'each problem names the file and sheet')
    assert.deepEqual(await services.crimeComparisons.referenceRepository.listRecordedCrimeYears(), beforeTables)

    const posted = await upload(analyst, 'population', 'LAD23_Mid_Year_pop_2011_to_2023.xlsx', populationFile)
    assert.equal(posted.status, 303)
    const html = await (await analyst.get('/crime/imports')).text()
    assert.match(html, /Imported/)
    assert.match(html, /ONS mid-year population estimates for \d+ districts, mid-2011 to mid-2023/)
    assert.ok((await services.crimeComparisons.referenceRepository.populationYears()).includes(2023))
    // Shown once: the next visit is the bare form.
    assert.doesNotMatch(await (await analyst.get('/crime/imports')).text(), /id="import-outcome"/)
  })

  it('a viewer cannot reach the import page', async () => {
    const viewer = await signedIn('viewer')
    assert.equal((await viewer.get('/crime/imports')).status, 403)
    assert.equal((await viewer.get('/crime')).status, 200)
    assert.doesNotMatch(await (await viewer.get('/crime')).text(), /Import the monthly files/)
  })

  it('escapes a partnership name typed into the query', async () => {
    const response = await analyst.get(`/crime?partnership=${encodeURIComponent('<script>alert(1)</script>')}`)
    assert.equal(response.status, 400)
    const html = await response.text()
    assert.doesNotMatch(html, /<script>alert\(1\)/)
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
    assert.match(html, /There is a problem/)
  })

  it('refuses an upload declared larger than the limit with 413', async () => {
    const page = await (await analyst.get('/crime/imports')).text()
    const action = (/action="([^"]+)" enctype/.exec(page)?.[1] as string).replace(/&amp;/g, '&')
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${base}${action}`, {
        method: 'POST',
        headers: {
          cookie: analyst.cookieHeader(),
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(CRIME_UPLOAD_LIMIT_BYTES + 1),
        },
      })
      request.on('response', (response) => answer(response, request, resolve))
      request.on('error', reject)
      request.write('--x\r\n')
    })
    assert.equal(status, 413)
    assert.match(body, /The file must be smaller than 100 MB/)
    assert.deepEqual(await leftInUploads(), [])
  })

  it('refuses an upload with no declared length once the bytes streamed pass the limit, with 413', async () => {
    const page = await (await analyst.get('/crime/imports')).text()
    const action = (/action="([^"]+)" enctype/.exec(page)?.[1] as string).replace(/&amp;/g, '&')
    const chunk = Buffer.alloc(1024 * 1024, 0x61)
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${base}${action}`, {
        method: 'POST',
        headers: { cookie: analyst.cookieHeader(), 'content-type': 'multipart/form-data; boundary=x' },
      })
      let sent = 0
      let answered = false
      // A file part, so that the bytes streamed are a file being written to disk when the limit is passed.
      request.write('--x\r\nContent-Disposition: form-data; name="file"; filename="2020-01-gwent-street.csv"\r\n\r\n')
      request.on('response', (response) => {
        answered = true
        answer(response, request, resolve)
      })
      request.on('error', (error) => (answered ? undefined : reject(error)))
      const send = () => {
        // Chunked: the server cannot know the size until it has counted the bytes.
        while (!answered && sent <= CRIME_UPLOAD_LIMIT_BYTES + chunk.length) {
          sent += chunk.length
          if (!request.write(chunk)) {
            request.once('drain', send)
            return
          }
        }
        if (!answered) request.end()
      }
      send()
    })
    assert.equal(status, 413)
    assert.match(body, /The file must be smaller than 100 MB/)
    assert.deepEqual(await leftInUploads(), [], 'the part written before the limit was passed is removed')
  })
})

/** Reads a raw request's answer whole, then ends the request (its body is never sent in full). */
function answer(
  response: http.IncomingMessage,
  request: http.ClientRequest,
  resolve: (answer: { status: number; body: string }) => void,
): void {
  let body = ''
  response.setEncoding('utf8')
  response.on('data', (chunk: string) => (body += chunk))
  response.on('end', () => {
    resolve({ status: response.statusCode ?? 0, body })
    request.destroy()
  })
}
