import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EXTRACT, fixtureDirectory, onsExpected, onsFile } from '../../../test/support/ons-fixtures.ts'
import { FORCE_LEVEL } from './name-matching.ts'
import { readAliasFile, readCsvExtract, yearEndingFromFileName } from './read-csv-extract.ts'
import { formatTableProblem } from './recorded-crime-table.ts'

describe('readCsvExtract on the real third-party extract', () => {
  const directory = fixtureDirectory()
  const expected = onsExpected()

  it('lists exactly what is still unmatched after normalising and the alias table: Manchester Airport', () => {
    const read = readCsvExtract(onsFile(EXTRACT), directory)
    assert.equal(read.unmatched.length, 1)
    const line = expected.extract.by_name['Manchester Airport']!.line
    assert.deepEqual(
      read.unmatched.map((u) => ({ row: u.row, name: u.name, force: u.force })),
      [{ row: line, name: 'Manchester Airport', force: 'Greater Manchester' }],
    )
    // An unmatched name blocks the import (nothing is stored), with the file, row and column.
    assert.equal(read.problems.length, 1)
    assert.match(
      formatTableProblem(read.problems[0]!),
      new RegExp(`^${EXTRACT.replace(/\./g, '\\.')}:${line}:C: no partnership is called "Manchester Airport"`),
    )
    assert.match(read.problems[0]!.reason, /Manchester Airport,FORCE-LEVEL/)
  })

  it('imports every row once the user says what Manchester Airport is', () => {
    const read = readCsvExtract(onsFile(EXTRACT), directory, {
      aliases: new Map([['Manchester Airport', FORCE_LEVEL]]),
    })
    assert.deepEqual(read.problems, [])
    assert.equal(read.year.yearEnding, '2024-12')
    const partnerships = read.year.areas.filter((a) => a.kind === 'partnership')
    // Every partnership of the lookup, each once; two rows without figures (Unassigned Gwent, unassigned Surrey) left out.
    assert.equal(partnerships.length, directory.partnerships.length)
    assert.equal(new Set(partnerships.map((a) => a.key)).size, partnerships.length)
    assert.equal(read.year.areas.length, expected.extract.rows - 2)
    assert.equal(read.year.areas.filter((a) => a.kind === 'force-level').length, 1)
  })

  it('matches case, white space, "&" and the renamed district, with the counts of the file', () => {
    const read = readCsvExtract(onsFile(EXTRACT), directory, {
      aliases: new Map([['Manchester Airport', FORCE_LEVEL]]),
    })
    const find = (key: string) => read.year.areas.find((a) => a.key === key)
    const rows = expected.extract.by_name
    assert.equal(find('E22000145')?.counts.get('total-recorded-crime'), rows['Folkestone and Hythe']!.total)
    assert.equal(find('E22000145')?.name, 'Folkestone and Hythe')
    assert.equal(
      find('E23000035/unassigned')?.counts.get('total-recorded-crime'),
      rows['Unassigned Devon and Cornwall']!.total,
    )
    assert.equal(find('E23000031/unassigned'), undefined)
    assert.equal(find('E22000341')?.counts.get('total-recorded-crime'), rows['Wolverhampton']!.total)
    // "Barrow-In-Furness" in the file, "Barrow-in-Furness" in the lookup.
    assert.equal(find('E22000032')?.counts.get('total-recorded-crime'), rows['Barrow-In-Furness']!.total)
    const aliasNote = read.notes.map(formatTableProblem).find((n) => /Folkestone and Hythe/.test(n))
    assert.match(aliasNote ?? '', /read as Shepway \(E22000145\) by the alias table/)
  })

  it('takes the year from the file name, or refuses without one', () => {
    assert.equal(yearEndingFromFileName(EXTRACT), '2024-12')
    assert.equal(yearEndingFromFileName('crime_ye-sep-2023.csv'), '2023-09')
    const read = readCsvExtract({ name: 'extract.csv', content: Buffer.from('a,b\n') }, directory)
    assert.match(formatTableProblem(read.problems[0]!), /^extract\.csv: the file does not say which year/)
  })
})

describe('readCsvExtract on bad files', () => {
  const directory = fixtureDirectory()
  const header = 'Region Name,Police Force Area name,Community Safety Partnership name,Total Recorded Crime,Robbery\n'
  const read = (body: string) =>
    readCsvExtract({ name: 'x.csv', content: Buffer.from(header + body) }, directory, { yearEnding: '2024-12' })

  it('reports every bad row with row and column, and stores nothing', () => {
    const result = read(
      [
        'West Midlands,West Midlands,Wolverhampton,"28,881",532',
        'West Midlands,West Midlands,Walsall,12abc,1',
        'West Midlands,Atlantis Police,Walsall,1,1',
        'West Midlands,West Midlands,Wolverhamton,1,1',
        'West Midlands,West Midlands,wolverhampton,1,1',
        'West Midlands,West Midlands,Dudley,1',
      ].join('\n'),
    )
    const shown = result.problems.map(formatTableProblem)
    assert.ok(
      shown.includes('x.csv:2:D: "28,881" is not a whole number (remove the thousands separator)'),
      shown.join('\n'),
    )
    assert.ok(shown.includes('x.csv:3:D: "12abc" is not a whole number'))
    assert.ok(shown.includes('x.csv:4:B: no police force area is called "Atlantis Police"'))
    assert.ok(
      shown.some((s) =>
        s.startsWith('x.csv:5:C: no partnership is called "Wolverhamton"; unmatched partnerships of this force: '),
      ),
    )
    assert.ok(shown.includes('x.csv:7: 4 columns where the header has 5'))
    assert.equal(result.unmatched.length, 1)
  })

  it('refuses the same area twice', () => {
    const result = read(
      'West Midlands,West Midlands,Wolverhampton,1,1\nWest Midlands,West Midlands,WOLVERHAMPTON,2,2\n',
    )
    assert.deepEqual(result.problems.map(formatTableProblem), ['x.csv:3:C: "WOLVERHAMPTON" is the same area as row 2'])
  })

  it('refuses text that is not UTF-8, and NUL bytes', () => {
    const latin1 = Buffer.concat([Buffer.from(header), Buffer.from([0x57, 0xa3, 0x0a])])
    const r1 = readCsvExtract({ name: 'x.csv', content: latin1 }, directory, { yearEnding: '2024-12' })
    assert.match(formatTableProblem(r1.problems[0]!), /not UTF-8 text/)
    const nul = readCsvExtract({ name: 'x.csv', content: Buffer.from('a\u0000b') }, directory, {
      yearEnding: '2024-12',
    })
    assert.match(formatTableProblem(nul.problems[0]!), /NUL bytes/)
  })
})

describe('readAliasFile', () => {
  it('reads name,code lines and refuses anything else', () => {
    const good = readAliasFile({
      name: 'a.csv',
      content: Buffer.from('name,code\nManchester Airport,FORCE-LEVEL\nWolves,E22000341\n'),
    })
    assert.deepEqual(good.problems, [])
    assert.deepEqual(
      [...good.aliases],
      [
        ['Manchester Airport', 'FORCE-LEVEL'],
        ['Wolves', 'E22000341'],
      ],
    )
    const bad = readAliasFile({ name: 'a.csv', content: Buffer.from('Wolves,Wolverhampton\nX\n') })
    assert.deepEqual(bad.problems.map(formatTableProblem), [
      'a.csv:1:B: "Wolverhampton" is neither an ONS code (E22……, W14……) nor FORCE-LEVEL',
      'a.csv:2: each row must be: name,code',
    ])
  })
})
