import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { CommandOutput } from '../../cli/command.ts'
import { createServices, type Services } from '../../composition-root.ts'
import { loadConfig } from '../../config.ts'
import type { Database } from '../../db/database.ts'
import { openTestDatabase } from '../../../test/support/databases.ts'
import { EXTRACT, ONS_FIXTURES, onsExpected, POPULATION, WORKBOOK } from '../../../test/support/ons-fixtures.ts'
import { peerGroupEnterCommand, peerGroupProposeCommand, peerGroupShowCommand } from '../peer-groups/cli.ts'
import { importOnsTablesCommand, importPopulationCommand } from '../reference/cli.ts'
import { crimeKpiCommand, headlinesCommand } from './cli.ts'

function capture(): CommandOutput & { readonly outText: () => string; readonly errText: () => string } {
  const out: string[] = []
  const err: string[] = []
  return {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    outText: () => out.join('\n'),
    errText: () => err.join('\n'),
  }
}

// One database through the whole story, as a partnership officer would use the commands (SQLite: the repository
// tests cover PostgreSQL).
describe('saferhub crime commands for comparing partnerships', () => {
  let database: Database
  let services: Services
  let directory: string
  const fixture = (name: string) => path.join(ONS_FIXTURES, name)
  before(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-crime-cli-'))
    database = await openTestDatabase('sqlite')
    services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'false' }), { database })
  })
  after(async () => {
    await database.close()
    rmSync(directory, { recursive: true, force: true })
  })

  it('imports the ONS workbook and the population estimates', async () => {
    const tables = capture()
    assert.equal(await importOnsTablesCommand.run([fixture(WORKBOOK), '--actor', 'analyst'], services, tables), 0)
    assert.match(tables.outText(), /the year ending December 2024: 314 partnerships in 43 police force areas/)
    assert.match(tables.outText(), /Unassigned Gwent" carries the force code W15000003/)
    const population = capture()
    assert.equal(await importPopulationCommand.run([fixture(POPULATION)], services, population), 0)
    assert.match(population.outText(), /318 districts, mid-2011 to mid-2023/)
  })

  it('refuses the extract until Manchester Airport is resolved, then imports it with an alias file', async () => {
    const refused = capture()
    assert.equal(await importOnsTablesCommand.run([fixture(EXTRACT)], services, refused), 1)
    assert.match(refused.errText(), /:93:C: no partnership is called "Manchester Airport"/)
    assert.match(refused.errText(), /row 93: "Manchester Airport" \(Greater Manchester\)/)
    assert.match(refused.errText(), /Nothing was written: 1 problem\./)
    const aliases = path.join(directory, 'aliases.csv')
    writeFileSync(aliases, 'name,code\nManchester Airport,FORCE-LEVEL\n')
    const applied = capture()
    assert.equal(await importOnsTablesCommand.run([fixture(EXTRACT), '--aliases', aliases], services, applied), 0)
    assert.match(applied.outText(), /third-party extract .*the year ending December 2024: 314 partnerships/)
  })

  it('enters a peer group and prints the headlines with the sentences', async () => {
    const entered = capture()
    const code = await peerGroupEnterCommand.run(
      [
        '--partnership',
        'Wolverhampton',
        '--name',
        'Black Country',
        '--source',
        'Test list',
        '--as-of',
        '2025-01-31',
        '--members',
        'Dudley; Sandwell;Walsall',
      ],
      services,
      entered,
    )
    assert.equal(code, 0, entered.errText())
    assert.match(entered.outText(), /Stored "Black Country" for Wolverhampton: 4 members/)
    const shown = capture()
    assert.equal(await peerGroupShowCommand.run(['--partnership', 'E22000341'], services, shown), 0)
    assert.match(shown.outText(), /Wolverhampton, Dudley, Sandwell, Walsall/)

    const headlines = capture()
    assert.equal(await headlinesCommand.run(['--partnership', 'wolverhampton', '--ons'], services, headlines), 0)
    const text = headlines.outText()
    const w = onsExpected().west_midlands.partnerships.find((p) => p.code === 'E22000341')!
    assert.match(
      text,
      /Wolverhampton \(E22000341\), West Midlands: Total Recorded Crime, the year ending December 2024/,
    )
    assert.match(text, new RegExp(`Rank by rate: +${w.rate_rank}th of 7 \\(the lowest rate ranks 1st\\)`))
    assert.match(text, /accounted for 9\.2% of the total recorded crime in the West Midlands police force area/)
    assert.match(text, /ranked 4th of 4 areas within its most similar grouping/)

    const json = capture()
    assert.equal(await headlinesCommand.run(['--partnership', 'E22000341', '--ons', '--json'], services, json), 0)
    assert.equal(JSON.parse(json.outText()).figures.change.after, w.total)
  })

  it('explains what is wrong with its options', async () => {
    const noYear = capture()
    assert.equal(await headlinesCommand.run(['--partnership', 'Wolverhampton'], services, noYear), 2)
    assert.match(noYear.errText(), /Give --year/)
    const badYear = capture()
    assert.equal(await headlinesCommand.run(['--partnership', 'Wolverhampton', '--year', '2020'], services, badYear), 2)
    await assert.rejects(
      headlinesCommand.run(['--partnership', 'Wolverhamton', '--ons'], services, capture()),
      /No partnership is called "Wolverhamton"/,
    )
    const kpi = capture()
    assert.equal(await crimeKpiCommand.run(['--partnership', 'Newport'], services, kpi), 2)
  })

  it('proposes a most similar group without saving it unless asked', async () => {
    const proposed = capture()
    assert.equal(
      await peerGroupProposeCommand.run(['--partnership', 'Wolverhampton', '--size', '5'], services, proposed),
      0,
    )
    assert.match(proposed.outText(), /Proposed most similar group for Wolverhampton \(E22000341\), 5 members:/)
    assert.match(proposed.outText(), /Not saved/)
    assert.equal((await services.crimeComparisons.peerGroups.list('E22000341')).length, 1)
  })
})
