import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../composition-root.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { reportCommand } from './cli.ts'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, output: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } }
}

for (const dialect of testDialects()) {
  describe(`saferhub report (${dialect})`, () => {
    let services: Services
    let folder: string
    before(async () => {
      const database = await openTestDatabase(dialect)
      services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-report-'))
    })
    after(async () => {
      await services.close()
      fs.rmSync(folder, { recursive: true, force: true })
    })

    it('writes the latest year as JSON on stdout by default year', async () => {
      const { out, err, output } = capture()
      assert.equal(await reportCommand.run(['--format', 'json'], services, output), 0, err.join('\n'))
      const report = JSON.parse(out.join('')) as {
        year: string
        themes: { rows: { indicator: { id: string }; outturn: { value: number } }[] }[]
      }
      assert.equal(report.year, 'FY2017-18')
      const knife = report.themes.flatMap((t) => t.rows).find((r) => r.indicator.id === 'knife-crime')
      assert.equal(knife?.outturn.value, 221)
    })

    it('writes CSV and XLSX to --out, with the year as analysts type it', async () => {
      const csvFile = path.join(folder, 'report.csv')
      const { err, output } = capture()
      assert.equal(
        await reportCommand.run(['--year', '2017/18', '--format', 'csv', '--out', csvFile], services, output),
        0,
      )
      assert.match(err.join(''), /Wrote the 2017\/18 performance report \(csv\)/)
      const csv = fs.readFileSync(csvFile, 'utf8')
      assert.ok(csv.startsWith('\uFEFF"Theme"'))
      assert.ok(csv.includes('"knife-crime"'))
      const xlsxFile = path.join(folder, 'report.xlsx')
      assert.equal(
        await reportCommand.run(
          ['--year', 'FY2017-18', '--format', 'xlsx', '--out', xlsxFile],
          services,
          capture().output,
        ),
        0,
      )
      // An XLSX file is a zip: it starts with "PK".
      assert.equal(fs.readFileSync(xlsxFile).subarray(0, 2).toString('latin1'), 'PK')
      assert.deepEqual(fs.readdirSync(folder).sort(), ['report.csv', 'report.xlsx'], 'no temporary file left behind')
    })

    it('writes the standalone HTML', async () => {
      const { out, output } = capture()
      assert.equal(await reportCommand.run(['--year', '2017-18'], services, output), 0)
      const html = out.join('')
      assert.match(html, /^<!DOCTYPE html>/)
      assert.doesNotMatch(html, /<script/)
    })

    it('refuses bad options with a clear message and exit code', async () => {
      const cases: [string[], number, RegExp][] = [
        [['--format', 'xlsx'], 2, /give a file with --out/],
        [['--format', 'pdf'], 2, /--format must be one of html, csv, summary-csv, xlsx, json/],
        [['--year', '2017-19'], 2, /--year must be a financial year such as 2017\/18, not "2017-19"/],
        [['--year', '2030/31'], 1, /There are no figures for 2030\/31\. Years with figures: 2017\/18, 2016\/17\./],
        [['--colour', 'red'], 2, /Unexpected argument: --colour/],
      ]
      for (const [args, code, message] of cases) {
        const { err, output } = capture()
        assert.equal(await reportCommand.run(args, services, output), code, args.join(' '))
        assert.match(err.join(''), message, args.join(' '))
      }
    })
  })
}
