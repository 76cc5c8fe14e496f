import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fixtureDirectory } from '../../../test/support/ons-fixtures.ts'
import { formatTableProblem } from '../reference/recorded-crime-table.ts'
import { isIsoDate, readPeerGroupFile } from './peer-group.ts'

const file = (text: string) => ({ name: 'msg.csv', content: Buffer.from(text) })

describe('readPeerGroupFile', () => {
  const directory = fixtureDirectory()

  it('reads members by name or ONS code, keeping their order, source and date', () => {
    const read = readPeerGroupFile(
      file(
        [
          'partnership,group,source,as_of,member',
          'Wolverhampton,Most similar group,Home Office iQuanta,2018-03-31,Wolverhampton',
          'Wolverhampton,Most similar group,Home Office iQuanta,2018-03-31,e22000338',
          'Wolverhampton,Most similar group,Home Office iQuanta,2018-03-31, walsall ',
          'Wolverhampton,Most similar group,Home Office iQuanta,2018-03-31,"Kingston upon Hull, City of"',
        ].join('\n'),
      ),
      directory,
    )
    assert.deepEqual(read.problems, [])
    assert.equal(read.groups.length, 1)
    const g = read.groups[0]!
    assert.equal(g.partnershipCode, 'E22000341')
    assert.equal(g.source, 'Home Office iQuanta')
    assert.equal(g.asOf, '2018-03-31')
    assert.equal(g.method, 'imported')
    assert.deepEqual(
      g.members.map((m) => m.code),
      [
        'E22000341',
        'E22000338',
        'E22000340',
        directory.partnerships.find((p) => p.name === 'Kingston upon Hull, City of')!.code,
      ],
    )
  })

  it('adds the partnership itself when the list leaves it out, and says so', () => {
    const read = readPeerGroupFile(
      file(
        'partnership,group,source,as_of,member\nNewport,G,Test,2024-01-31,Cardiff\nNewport,G,Test,2024-01-31,Swansea\n',
      ),
      directory,
    )
    assert.deepEqual(
      read.groups[0]!.members.map((m) => m.code),
      ['W14000022', 'W14000015', 'W14000011'],
    )
    assert.match(formatTableProblem(read.notes[0]!), /msg\.csv:2:member: "G" did not list Newport itself; added/)
  })

  it('reports every problem with row and column, and returns no group', () => {
    const read = readPeerGroupFile(
      file(
        [
          'partnership,group,source,as_of,member',
          'Wolverhampton,G,Test,2018-02-30,Walsall',
          'Wolverhamton,G,Test,2018-03-31,Walsall',
          'Wolverhampton,G,Test,2018-03-31,E22999999',
          'Wolverhampton,G,,2018-03-31,Dudley',
          'Wolverhampton,G,Test,2018-03-31,Dudley',
          'Wolverhampton,G,Test,2018-03-31,DUDLEY',
          'Wolverhampton,G,Other,2018-03-31,Sandwell',
        ].join('\n'),
      ),
      directory,
    )
    assert.deepEqual(read.groups, [])
    assert.deepEqual(read.problems.map(formatTableProblem), [
      'msg.csv:2:as_of: "2018-02-30" is not a date written YYYY-MM-DD',
      'msg.csv:3:partnership: no partnership is called "Wolverhamton"',
      'msg.csv:4:member: E22999999 is not a partnership code of the ONS lookup',
      'msg.csv:5:source: say where the list comes from (e.g. "Home Office iQuanta")',
      'msg.csv:7:member: Dudley is listed twice in "G"',
      'msg.csv:8:source: the group "G" has another source or date on row 6',
    ])
  })

  it('names missing columns', () => {
    const read = readPeerGroupFile(file('partnership,member\nWolverhampton,Walsall\n'), directory)
    assert.match(
      formatTableProblem(read.problems[0]!),
      /msg\.csv:1: the header must have the columns partnership,group,source,as_of,member \(missing: group, source, as_of\)/,
    )
  })
})

describe('isIsoDate', () => {
  it('accepts real calendar dates only', () => {
    assert.equal(isIsoDate('2024-02-29'), true)
    assert.equal(isIsoDate('2023-02-29'), false)
    assert.equal(isIsoDate('31/03/2018'), false)
  })
})
