import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { oneFileArgument, optionValue, parseOptions, type CommandOutput } from './command.ts'

/** An output that keeps what a command printed. */
function recording(): { output: CommandOutput; lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] }
  return { lines, output: { out: (t) => lines.out.push(t), err: (t) => lines.err.push(t) } }
}

describe('command-line options', () => {
  it('reads --name value, --name=value and bare flags; the rest are positional', () => {
    const { options, positional } = parseOptions(['a.csv', '--actor', 'Jo', '--year=2017/18', 'b.csv', '--save'])
    assert.deepEqual(positional, ['a.csv', 'b.csv'])
    assert.deepEqual(
      [...options],
      [
        ['actor', 'Jo'],
        ['year', '2017/18'],
        ['save', true],
      ],
    )
  })

  it('takes the word after a flag as its value, so a bare flag goes last or before another option', () => {
    const { options, positional } = parseOptions(['--save', 'b.csv'])
    assert.deepEqual(positional, [])
    assert.equal(options.get('save'), 'b.csv')
  })

  it('gives an option its value only when it has one', () => {
    const { options } = parseOptions(['--name', 'Youth Offending Team', '--add', '--into=', '--remove'])
    assert.equal(optionValue(options, 'name'), 'Youth Offending Team')
    assert.equal(optionValue(options, 'add'), undefined, 'a bare flag has no value')
    assert.equal(optionValue(options, 'into'), '', '--into= is an empty value, which callers refuse as they see fit')
    assert.equal(optionValue(options, 'missing'), undefined)
  })

  it('takes exactly one file, else prints the usage and gives null', () => {
    const { output, lines } = recording()
    assert.equal(oneFileArgument(['LAD23.xlsx'], 'Usage: x FILE', output), 'LAD23.xlsx')
    assert.deepEqual(lines.err, [])
    assert.equal(oneFileArgument([], 'Usage: x FILE', output), null)
    assert.equal(oneFileArgument(['a.xlsx', 'b.xlsx'], 'Usage: x FILE', output), null)
    assert.deepEqual(lines.err, ['Give one file.\n\nUsage: x FILE', 'Give one file.\n\nUsage: x FILE'])
    assert.deepEqual(lines.out, [])
  })
})
