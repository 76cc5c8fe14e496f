import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readSettingsCsv } from './prevent-settings-import.ts'

/** The settings' CSV: every problem named by the row a spreadsheet shows (header = 1) and the column, or all rows. */
describe('reading the area’s settings from CSV', () => {
  it('reads a good file, with a byte-order mark, kinds in words, an optional reference and quoted commas', () => {
    const result = readSettingsCsv(
      Buffer.from(
        '\uFEFFKind,Name,Reference\nschool,Oak Primary,104321\nSchools,"St Mary’s, Bilston",\nCollege,City College,X1\n',
      ),
    )
    assert.deepEqual(result, {
      ok: true,
      rows: [
        { kind: 'school', name: 'Oak Primary', reference: '104321' },
        { kind: 'school', name: 'St Mary’s, Bilston', reference: null },
        { kind: 'college', name: 'City College', reference: 'X1' },
      ],
    })
  })

  it('needs no reference column', () => {
    assert.deepEqual(readSettingsCsv('name,kind\nOak Primary,school\n'), {
      ok: true,
      rows: [{ kind: 'school', name: 'Oak Primary', reference: null }],
    })
  })

  it('lists every row’s problems with their row and column, and returns no rows', () => {
    const result = readSettingsCsv(
      'kind,name,reference\nschool,Oak Primary,1\nshop,Corner Shop,\n,Ash Academy,\nschool,,2\nschool,oak primary,3\nschool,Elm\n',
    )
    assert.equal(result.ok, false)
    assert.ok(!result.ok)
    assert.deepEqual(result.problems, [
      {
        row: 3,
        column: 'kind',
        message: '“shop” is not a kind of setting (school, college, university, early-years, health, other)',
      },
      { row: 4, column: 'kind', message: 'The kind of setting is empty' },
      { row: 5, column: 'name', message: 'The name is empty' },
      { row: 6, column: 'name', message: 'The same school is already on row 2' },
      { row: 7, column: null, message: 'The row has 2 cells; the header has 3' },
    ])
  })

  it('refuses a header without the columns it needs, or with one it does not know', () => {
    const result = readSettingsCsv('type,name,urn\nschool,Oak,1\n')
    assert.ok(!result.ok)
    assert.deepEqual(
      result.problems.map((p) => [p.row, p.column]),
      [
        [1, 'type'],
        [1, 'urn'],
        [1, 'kind'],
      ],
    )
  })

  it('refuses an empty file, a header alone, and a name over 200 characters', () => {
    assert.deepEqual(readSettingsCsv(''), {
      ok: false,
      problems: [{ row: null, column: null, message: 'The file is empty' }],
    })
    assert.deepEqual(readSettingsCsv('kind,name\n'), {
      ok: false,
      problems: [{ row: null, column: null, message: 'The file has a header but no settings' }],
    })
    const long = readSettingsCsv(`kind,name\nschool,${'x'.repeat(201)}\n`)
    assert.ok(!long.ok)
    assert.deepEqual(long.problems, [{ row: 2, column: 'name', message: 'The name is longer than 200 characters' }])
  })

  it('refuses a file that is not well-formed CSV', () => {
    const result = readSettingsCsv('kind,name\nschool,"Oak\n')
    assert.ok(!result.ok)
    assert.match(result.problems[0]?.message ?? '', /^The file is not well-formed CSV/)
  })
})
