import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { POLICE_UK_CRIME_TYPES } from './crime-types.ts'
import { streetFileKernel, type StreetFileFault, type StreetFileSummary } from './street-file-kernel.ts'

const HEADER =
  'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context'
const LSOAS = ['W01001440', 'W01001441', 'E01010001', 'X99']
const reader = streetFileKernel().createReader({ lsoaCodes: LSOAS, crimeTypes: POLICE_UK_CRIME_TYPES })

/** A real-looking row with the fields that matter set. */
function row(fields: { month?: string; force?: string; location?: string; lsoa?: string; type?: string }): string {
  return [
    'ab12',
    fields.month ?? '2020-01',
    'Gwent Police',
    fields.force ?? 'Gwent Police',
    '-3.193791',
    '51.798553',
    fields.location ?? 'On or near South Bank',
    fields.lsoa ?? 'W01001440',
    'Blaenau Gwent 001A',
    fields.type ?? 'Public order',
    'Unable to prosecute suspect',
    '',
  ].join(',')
}

function parse(text: string | Buffer, month = '2020-01', chunks: number[] = []): StreetFileSummary {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text
  const parser = reader.beginFile(month)
  let at = 0
  for (const size of chunks) {
    parser.feed(bytes.subarray(at, Math.min(bytes.length, at + size)))
    at = Math.min(bytes.length, at + size)
  }
  parser.feed(bytes.subarray(at))
  return parser.end()
}

function faultOf(text: string, month = '2020-01'): StreetFileFault {
  try {
    parse(text, month)
  } catch (error) {
    const fault = (error as { streetFileFault?: StreetFileFault }).streetFileFault
    if (fault) return fault
    throw error
  }
  assert.fail('expected the file to be refused')
}

/** Counts as "LSOA|crime type" → rows, plus "|crime type" for rows without a location. */
function table(summary: StreetFileSummary): Record<string, number> {
  const out: Record<string, number> = {}
  for (let i = 0; i < summary.counts.length; i += 3) {
    const lsoa = summary.counts[i] as number
    const code = LSOAS[lsoa] ?? summary.extraLsoaCodes[lsoa - LSOAS.length]
    out[`${code}|${POLICE_UK_CRIME_TYPES[summary.counts[i + 1] as number]}`] = summary.counts[i + 2] as number
  }
  summary.withoutLocation.forEach((n, type) => {
    if (n > 0) out[`|${POLICE_UK_CRIME_TYPES[type]}`] = n
  })
  return out
}

describe('street-level file parser', () => {
  it('counts rows by LSOA and crime type, and rows without a location by type', () => {
    const text = [
      HEADER,
      row({}),
      row({ type: 'Drugs' }),
      row({}),
      row({ lsoa: 'E01010001', type: 'Anti-social behaviour' }),
      row({ lsoa: '', type: 'Drugs' }),
      '',
    ].join('\r\n')
    const summary = parse(text)
    assert.equal(summary.rows, 5)
    assert.equal(summary.fallsWithin, 'Gwent Police')
    assert.equal(summary.bytes, Buffer.byteLength(text))
    assert.deepEqual(table(summary), {
      'W01001440|Public order': 2,
      'W01001440|Drugs': 1,
      'E01010001|Anti-social behaviour': 1,
      '|Drugs': 1,
    })
  })

  it('reads quoted fields with commas, doubled quotes and line breaks, a byte-order mark and LF line ends', () => {
    const text =
      '\ufeff' +
      [
        HEADER,
        row({ location: '"On or near Bank Street, Upper"' }),
        row({ location: '"On or near ""The Square"""', type: '"Drugs"' }),
        row({ location: '"On or near\r\nTwo\nLines"', lsoa: '"W01001441"' }),
        row({ month: '"2020-01"', force: '"Gwent Police"' }),
      ].join('\n')
    const summary = parse(text)
    assert.equal(summary.rows, 4)
    assert.deepEqual(summary.extraLsoaCodes, []) // the quoted "W01001441" is the lookup's, not a new code
    assert.deepEqual(table(summary), {
      'W01001440|Public order': 2,
      'W01001440|Drugs': 1,
      'W01001441|Public order': 1,
    })
  })

  it('keeps LSOA codes the lookup does not have, as extra codes', () => {
    const summary = parse(
      [HEADER, row({ lsoa: 'E01099999' }), row({ lsoa: 'X99' }), row({ lsoa: 'E01099999' })].join('\n'),
    )
    assert.deepEqual(summary.extraLsoaCodes, ['E01099999'])
    assert.deepEqual(table(summary), { 'E01099999|Public order': 2, 'X99|Public order': 1 })
  })

  it('sums counts by group (partnership) when given groups, keeping detailed groups and ungrouped LSOAs by LSOA', () => {
    // W01001440 and W01001441 in group 0, E01010001 in group 1 (detailed), X99 in none.
    const grouped = streetFileKernel().createReader({
      lsoaCodes: LSOAS,
      crimeTypes: POLICE_UK_CRIME_TYPES,
      lsoaGroups: Int32Array.from([0, 0, 1, -1]),
      detailedGroups: Uint8Array.from([0, 1]),
    })
    const parser = grouped.beginFile('2020-01')
    parser.feed(
      Buffer.from(
        [
          HEADER,
          row({}),
          row({ lsoa: 'W01001441' }),
          row({ lsoa: 'W01001441', type: 'Drugs' }),
          row({ lsoa: 'E01010001' }),
          row({ lsoa: 'X99' }),
          row({ lsoa: 'E01099999' }),
          '',
        ].join('\n'),
      ),
    )
    const summary = parser.end()
    const triples = (array: Int32Array) => {
      const out: string[] = []
      for (let i = 0; i < array.length; i += 3)
        out.push(`${array[i]}|${POLICE_UK_CRIME_TYPES[array[i + 1] as number]}|${array[i + 2]}`)
      return out.sort()
    }
    assert.deepEqual(triples(summary.groupCounts), ['0|Drugs|1', '0|Public order|2', '1|Public order|1'])
    // By LSOA: E01010001 (position 2, a detailed group), X99 (3, no group), E01099999 (4: the first code not in the lookup).
    assert.deepEqual(triples(summary.counts), ['2|Public order|1', '3|Public order|1', '4|Public order|1'])
    assert.deepEqual(summary.extraLsoaCodes, ['E01099999'])
  })

  it('gives the same counts however the bytes are split into chunks', () => {
    const text = [
      HEADER,
      row({ location: '"A, ""quoted""\r\nplace"' }),
      row({ type: 'Drugs', lsoa: 'E01010001' }),
      row({ lsoa: '' }),
      row({ location: '""', type: '"Bicycle theft"' }),
      '',
    ].join('\r\n')
    const whole = table(parse(text))
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 40 }), (chunks) => {
        assert.deepEqual(table(parse(text, '2020-01', chunks)), whole)
      }),
      { numRuns: 300 },
    )
  })

  it('decides every row alike far from the end of the bytes held (its fast path) and near it', () => {
    // Whole, every row but the last few KB goes through the fast path; fed 50 bytes at a time, none does (it needs
    // 4 KB held past the row). Rows are drawn from usual fields and every kind of odd one, so that each way out of
    // the fast path is taken: the two must agree on every count, or on the fault's line and reason.
    const pick = <T>(values: readonly T[]) => fc.constantFrom(...values)
    const usual = <T>(value: T, odd: readonly T[]) => fc.oneof({ weight: 4, arbitrary: fc.constant(value) }, pick(odd))
    const field = fc.record({
      id: pick([
        'ab12',
        '',
        'f'.repeat(64),
        '"q,id"',
        `${'f'.repeat(63)} `,
        `${'f'.repeat(30)}"${'f'.repeat(33)}`,
        `${'f'.repeat(30)},${'f'.repeat(33)}`,
        `${'f'.repeat(30)}\n${'f'.repeat(33)}`,
      ]),
      month: usual('2020-01', ['2020-02', '"2020-01"', '2020-1', '2020-01 ']),
      reportedBy: usual('Gwent Police', ['British Transport Police', '"Gwent, Police"', 'R'.repeat(70), '']),
      force: usual('Gwent Police', [
        'South Wales Police',
        '"Gwent Police"',
        'Gwent Polic',
        'Gwent Police ',
        'Gwent Polise',
      ]),
      longitude: usual('-3.193791', ['', '"1"']),
      location: usual('On or near South Bank', [
        '"A, ""q""\r\nB"',
        'No Location',
        'Caf\u00e9',
        'a"b',
        '',
        'On or near ',
        'On or nea',
        'On or near "',
      ]),
      lsoa: pick(['W01001440', 'W01001441', 'E01010001', 'X99', '', 'E01099999', '"W01001440"', 'W0100144']).chain(
        (code) => usual(code, ['W01001440 ', 'w01001440', 'E01x01440', 'W010014400', 'E01010001']),
      ),
      lsoaName: usual('Blaenau Gwent 001A', ['', 'N,M']),
      type: fc.oneof(
        { weight: 6, arbitrary: pick(POLICE_UK_CRIME_TYPES) },
        pick(['Drug', 'Drugsx', 'Drugz', '"Drugs"', 'drugs', 'Public', 'Other', 'Public order ', '']),
      ),
      outcome: usual('Unable to prosecute suspect', [
        '',
        'Under investigation',
        'Offender given a caution',
        'Offender given penalty notice',
        'Offender given a cautio',
        'Offender given a caution ',
        'O'.repeat(70),
      ]),
      context: usual('', ['ctx', '"c"']),
      end: usual('\r\n', ['\n', '\r', ',extra\r\n', '\r\r\n']),
    })
    const line = (f: typeof field extends fc.Arbitrary<infer T> ? T : never) =>
      [
        f.id,
        f.month,
        f.reportedBy,
        f.force,
        f.longitude,
        '51.798553',
        f.location,
        f.lsoa,
        f.lsoaName,
        f.type,
        f.outcome,
        f.context,
      ].join(',') + f.end
    const outcome = (text: string, chunks: number[]) => {
      try {
        const summary = parse(text, '2020-01', chunks)
        return { rows: summary.rows, fallsWithin: summary.fallsWithin, counts: table(summary) }
      } catch (error) {
        const fault = (error as { streetFileFault?: StreetFileFault }).streetFileFault
        if (fault) return { fault }
        throw error
      }
    }
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 60 }), (fields) => {
        // Usual rows after them, so that every drawn row is more than 4 KB from the end; twice, so that rows
        // the fast path keeps (outcomes, "Reported by") are met again after the buffer is refilled.
        const drawn = `${fields.map(line).join('')}${`${row({})}\r\n`.repeat(40)}`
        const text = `${HEADER}\r\n${drawn}${drawn}`
        const small = outcome(text, Array(Math.ceil(text.length / 50)).fill(50))
        assert.deepEqual(outcome(text, []), small)
        assert.deepEqual(outcome(text, Array(Math.ceil(text.length / 6000)).fill(6000)), small)
      }),
      { numRuns: 400 },
    )
  })

  it('accepts a file whose last row has all its columns but no line break', () => {
    assert.equal(parse([HEADER, row({}), row({})].join('\r\n')).rows, 2)
  })

  it('refuses a file with its header and no rows, which would store a month of zeros', () => {
    for (const text of [
      HEADER,
      `${HEADER}\n`,
      `${HEADER}\r\n`,
      `${HEADER}\n\n\r\n`,
      `${HEADER}\r`,
      `\ufeff${HEADER}\n`,
    ]) {
      const fault = faultOf(text)
      assert.equal(fault.line, 2, JSON.stringify(text))
      assert.match(fault.reason, /header but no rows/, JSON.stringify(text))
    }
  })

  describe('valid CSV variants', () => {
    // Three rows whose counts are known by hand: two Robbery in W01001440, one Drugs without a location.
    const rows = [row({ type: 'Robbery' }), row({ type: 'Drugs', lsoa: '' }), row({ type: 'Robbery' })]
    const expected = { 'W01001440|Robbery': 2, '|Drugs': 1 }
    const quotedHeader = HEADER.split(',')
      .map((cell) => `"${cell}"`)
      .join(',')

    it('reads a header whose cells are quoted, with or without a byte-order mark', () => {
      for (const header of [quotedHeader, `\ufeff${quotedHeader}`, HEADER.replace('Crime ID', '"Crime ID"')]) {
        const summary = parse([header, ...rows].join('\r\n') + '\r\n')
        assert.equal(summary.rows, 3, header)
        assert.deepEqual(table(summary), expected, header)
      }
    })

    it('still refuses a quoted header that is not the street-level header, naming the column', () => {
      const fault = faultOf([quotedHeader.replace('"LSOA code"', '"LSOA"'), ...rows].join('\n'))
      assert.equal(fault.line, 1)
      assert.match(fault.reason, /column 8 is "LSOA" where "LSOA code" was expected/)
    })

    it('accepts blank lines at the end of the file, with any line end, split anywhere', () => {
      for (const [name, ending] of [
        ['LF', '\n\n\n'],
        ['CRLF', '\r\n\r\n'],
        ['mixed', '\n\r\n\n'],
      ] as const) {
        const text = [HEADER, ...rows].join('\n') + ending
        for (const split of [0, text.length - 2, text.length - 1]) {
          const summary = parse(text, '2020-01', split === 0 ? [] : [split])
          assert.equal(summary.rows, 3, `${name} split at ${split}`)
          assert.deepEqual(table(summary), expected, `${name} split at ${split}`)
        }
      }
    })

    it('gives the same rows for LF, CRLF and CR-only files with blank lines at the end, however they are split', () => {
      for (const ending of ['\n', '\r\n', '\r']) {
        const text = [HEADER, ...rows].join(ending) + ending + ending
        // Split in three at every pair of places (every 13th for the second): a line end may be cut anywhere.
        for (let a = 0; a <= text.length; a++) {
          for (let b = a; b <= text.length; b += 13) {
            const summary = parse(text, '2020-01', [a, b - a])
            assert.deepEqual(table(summary), expected, `${JSON.stringify(ending)} split at ${a} and ${b}`)
          }
        }
      }
    })

    it('refuses a blank line among the rows, naming its line', () => {
      const fault = faultOf([HEADER, rows[0], '', rows[1]].join('\n'))
      assert.equal(fault.line, 3)
      assert.match(fault.reason, /blank line among the rows/)
    })

    it('reads CR-only line ends (old Mac files), small and past 1 MB, in chunks of any size', () => {
      const small = [HEADER, ...rows].join('\r') + '\r'
      for (const chunks of [[], [1], [HEADER.length], [HEADER.length + 1], [7, 300, 5]]) {
        assert.deepEqual(table(parse(small, '2020-01', chunks)), expected, JSON.stringify(chunks))
      }
      // 2.8 MB: beyond the header's 1 MB limit, which a CR-only file once hit ("the header is longer than 1 MB").
      const many = 12_000
      const large = [HEADER, ...Array.from({ length: many }, (_, i) => rows[i % 3] as string)].join('\r')
      const summary = parse(large, '2020-01', [65_536, 65_536])
      assert.equal(summary.rows, many)
      assert.deepEqual(table(summary), { 'W01001440|Robbery': (many / 3) * 2, '|Drugs': many / 3 })
      // A fault is still placed on its line: line 3 is the second row.
      const fault = faultOf([HEADER, rows[0], row({ type: 'Nonsense' })].join('\r'))
      assert.equal(fault.line, 3)
      assert.match(fault.reason, /unknown crime type "Nonsense"/)
    })
  })

  it('reuses its buffers from file to file without carrying counts over', () => {
    parse([HEADER, row({}), row({})].join('\n'))
    assert.deepEqual(table(parse([HEADER, row({ type: 'Robbery' })].join('\n'))), { 'W01001440|Robbery': 1 })
    assert.throws(() => parse([HEADER, row({}), row({ type: 'Nonsense' })].join('\n')))
    assert.deepEqual(table(parse([HEADER, row({ type: 'Drugs' })].join('\n'))), { 'W01001440|Drugs': 1 })
  })

  it('refuses faulty files, naming the line and the reason', () => {
    const cases: [string, string, number, RegExp][] = [
      ['wrong header', [HEADER.replace('LSOA code', 'LSOA'), row({})].join('\n'), 1, /column 8 is "LSOA"/],
      ['empty', '', 1, /empty/],
      ['month', [HEADER, row({}), row({ month: '2020-02' })].join('\n'), 3, /Month "2020-02" is not the file's month/],
      ['unclosed quote', [HEADER, row({ location: '"On or near' }), row({})].join('\n'), 2, /never closed/],
      ['quote inside', [HEADER, row({ location: 'On "x" y' })].join('\n'), 2, /double quote inside column "Location"/],
      ['after quote', [HEADER, row({}), row({ location: '"x" y' })].join('\n'), 3, /followed by " "/],
      ['crime type', [HEADER, row({ type: 'Burglary ' })].join('\n'), 2, /unknown crime type "Burglary "/],
      // Near misses. "\u0002urglary" has the length and last byte of "Burglary" and a first byte 64 away from "B":
      // the type table (keyed on those, modulo 64) gives "Burglary" for it, and only comparing every byte refuses it.
      ...['\u0002urglary', 'Xurglary', 'Burglarx', 'B', ''].map((type): [string, string, number, RegExp] => [
        `crime type ${JSON.stringify(type)}`,
        [HEADER, row({}), row({ type })].join('\n'),
        3,
        new RegExp(`unknown crime type "${type}"`),
      ]),
      ['columns', [HEADER, row({}) + ',extra'].join('\n'), 2, /13 columns/],
      ['truncated', [HEADER, row({}), row({}).slice(0, 120)].join('\n'), 3, /cut off/],
      [
        'force',
        [HEADER, row({}), row({ force: 'Dyfed-Powys Police' })].join('\n'),
        3,
        /"Falls within" is "Dyfed-Powys/,
      ],
      ['carriage return', [HEADER, row({ location: 'a\rb' })].join('\n'), 2, /carriage return/],
      [
        'line numbers count line breaks inside quotes',
        [HEADER, row({ location: '"a\nb\nc"' }), row({ type: 'X' })].join('\n'),
        5,
        /unknown crime type/,
      ],
    ]
    for (const [name, text, line, reason] of cases) {
      const fault = faultOf(text)
      assert.equal(fault.line, line, name)
      assert.match(fault.reason, reason, name)
    }
  })

  it('refuses a quoted field that runs on past 1 MB instead of holding the file in memory', () => {
    const parser = reader.beginFile('2020-01')
    parser.feed(Buffer.from(`${HEADER}\n${row({}).replace('On or near South Bank', '"On or near')}\n`))
    const filler = Buffer.alloc(64 * 1024, 'a')
    assert.throws(
      () => {
        for (let i = 0; i < 40; i++) parser.feed(filler)
      },
      (error: { streetFileFault?: StreetFileFault }) => /runs on past 1 MB/.test(error.streetFileFault?.reason ?? ''),
    )
  })

  it("agrees with Python's csv module on a real month (Gwent, January 2020)", async () => {
    const file = fileURLToPath(
      new URL('../../../test/fixtures/police-uk/real/2020-01-gwent-street.csv', import.meta.url),
    )
    const { execFileSync } = await import('node:child_process')
    // Counted independently: Python's csv module, keyed the same way as `table` above.
    const expected = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          `import csv, collections, json, sys
c = collections.Counter()
for r in csv.DictReader(open(sys.argv[1], newline='')):
    c[r['LSOA code'] + '|' + r['Crime type']] += 1
print(json.dumps(c))`,
          file,
        ],
        { encoding: 'utf8' },
      ),
    ) as Record<string, number>
    const full = streetFileKernel().createReader({ lsoaCodes: [], crimeTypes: POLICE_UK_CRIME_TYPES })
    const parser = full.beginFile('2020-01')
    const fd = fs.openSync(file, 'r')
    const summary = parser.readAll((target, offset, length) => fs.readSync(fd, target, offset, length, null))
    fs.closeSync(fd)
    const actual: Record<string, number> = {}
    for (let i = 0; i < summary.counts.length; i += 3) {
      const code = summary.extraLsoaCodes[summary.counts[i] as number] as string
      actual[`${code}|${POLICE_UK_CRIME_TYPES[summary.counts[i + 1] as number]}`] = summary.counts[i + 2] as number
    }
    summary.withoutLocation.forEach((n, type) => {
      if (n > 0) actual[`|${POLICE_UK_CRIME_TYPES[type]}`] = n
    })
    assert.deepEqual(actual, expected)
    assert.equal(summary.rows, 4581)
  })
})
