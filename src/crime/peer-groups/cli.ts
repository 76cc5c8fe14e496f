import { parseOptions, type Command } from '../../cli/command.ts'
import { actorFrom, readCommandFile } from '../reference/cli.ts'
import { formatTableProblem } from '../reference/recorded-crime-table.ts'
import { DEFAULT_GROUP_SIZE } from './peer-group-service.ts'

/** `saferhub crime peer-group import FILE`. */
export const peerGroupImportCommand: Command = {
  name: 'crime peer-group import',
  summary: "Import a partnership's most similar group(s) from CSV (with source and date)",
  usage: [
    'Usage: saferhub crime peer-group import FILE [--actor NAME]',
    '',
    'FILE is CSV with the header partnership,group,source,as_of,member and one row per member, e.g.',
    '  Wolverhampton,Most similar group,Home Office iQuanta,2018-03-31,Walsall',
    "Partnerships and members are names or ONS codes. A group replaces the partnership's group of the same name.",
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    if (positional.length !== 1) {
      output.err(`Give one file.\n\n${this.usage}`)
      return 2
    }
    const result = await services.crimeComparisons.peerGroups.importFile(
      await readCommandFile(positional[0] as string),
      actorFrom(options),
    )
    if (result.outcome === 'rejected') {
      for (const p of result.problems) output.err(formatTableProblem(p))
      output.err(`Nothing was written: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}.`)
      return 1
    }
    for (const g of result.groups)
      output.out(`Stored "${g.name}" for ${g.partnership}: ${g.size} members (id ${g.id}).`)
    for (const n of result.notes) output.out(`note: ${formatTableProblem(n)}`)
    return 0
  },
}

/** `saferhub crime peer-group enter --partnership X --name N --source S --as-of D --members "A;B;C"`. */
export const peerGroupEnterCommand: Command = {
  name: 'crime peer-group enter',
  summary: "Enter a partnership's most similar group by hand (members, source and date)",
  usage: [
    'Usage: saferhub crime peer-group enter --partnership NAME|CODE --name NAME --source TEXT --as-of YYYY-MM-DD',
    '                                       --members "NAME|CODE;NAME|CODE;…" [--actor NAME]',
    '',
    'Members are separated by semicolons (names such as "Kingston upon Hull, City of" contain commas).',
  ].join('\n'),
  async run(args, services, output) {
    const { options } = parseOptions(args)
    const get = (key: string) => {
      const v = options.get(key)
      return typeof v === 'string' ? v : null
    }
    const partnership = get('partnership')
    const name = get('name')
    const source = get('source')
    const asOf = get('as-of')
    const members = get('members')
    if (!partnership || !name || !source || !asOf || !members) {
      output.err(`--partnership, --name, --source, --as-of and --members are required.\n\n${this.usage}`)
      return 2
    }
    const result = await services.crimeComparisons.peerGroups.enter(
      {
        partnershipCode: partnership,
        name,
        source,
        asOf,
        members: members
          .split(';')
          .map((m) => m.trim())
          .filter((m) => m !== ''),
      },
      actorFrom(options),
    )
    if (result.outcome === 'rejected') {
      // Rows here are members in the order given (row 2 = the first member).
      for (const p of result.problems) output.err(formatTableProblem(p))
      output.err('Nothing was written.')
      return 1
    }
    for (const g of result.groups)
      output.out(`Stored "${g.name}" for ${g.partnership}: ${g.size} members (id ${g.id}).`)
    for (const n of result.notes) output.out(`note: ${n.reason}`)
    return 0
  },
}

/** `saferhub crime peer-group propose --partnership X`. */
export const peerGroupProposeCommand: Command = {
  name: 'crime peer-group propose',
  summary: 'Propose a most similar group by nearest neighbours over public ONS data (saved only with --save)',
  usage: [
    'Usage: saferhub crime peer-group propose --partnership NAME|CODE [--size N] [--save] [--actor NAME]',
    '',
    'Standardises each variable (z-scores) over every partnership of England and Wales, takes the Euclidean',
    'distance, and lists the partnership with its nearest neighbours (as ONS statistical nearest neighbours):',
    'population density (log10), median age, and the mix of recorded crime by offence group (not its rate).',
    'Needs the population estimates and the ONS tables imported first.',
    '',
    `  --size N   members including the partnership itself (default ${DEFAULT_GROUP_SIZE}, as Home Office groups)`,
    '  --save     store the proposal as a peer group (method "proposed", with the method in its note)',
  ].join('\n'),
  async run(args, services, output) {
    const { options } = parseOptions(args)
    const name = options.get('partnership')
    if (typeof name !== 'string') {
      output.err(`--partnership is required.\n\n${this.usage}`)
      return 2
    }
    const sizeOption = options.get('size')
    const size = sizeOption === undefined ? DEFAULT_GROUP_SIZE : Number(sizeOption)
    if (!Number.isInteger(size) || size < 2 || size > 100) {
      output.err('--size needs a whole number from 2 to 100')
      return 2
    }
    const headlines = services.crimeComparisons.headlines
    const partnership = headlines.findPartnership(name)
    const result = await services.crimeComparisons.peerGroups.propose(partnership.code, { size })
    const directory = services.crimeComparisons.directory()
    output.out(`Proposed most similar group for ${partnership.name} (${partnership.code}), ${size} members:`)
    result.group.members.forEach((m, i) => {
      const p = directory.byCode(m.code)
      output.out(
        `  ${String(i + 1).padStart(2)}. ${(p?.name ?? m.code).padEnd(36)} ${p?.forceName.padEnd(20) ?? ''} distance ${(m.distance ?? 0).toFixed(3)}`,
      )
    })
    output.out(`\nMethod: ${result.group.methodNote}`)
    for (const n of result.proposal.notes) output.out(`note: ${n}`)
    if (options.get('save') === true) {
      const id = await services.crimeComparisons.peerGroups.save(result.group, actorFrom(options))
      output.out(`Saved as "${result.group.name}" (id ${id}).`)
    } else output.out('Not saved: run again with --save to keep it.')
    return 0
  },
}

/** `saferhub crime peer-group show --partnership X`. */
export const peerGroupShowCommand: Command = {
  name: 'crime peer-group show',
  summary: "List a partnership's stored most similar groups",
  usage: 'Usage: saferhub crime peer-group show --partnership NAME|CODE',
  async run(args, services, output) {
    const { options } = parseOptions(args)
    const name = options.get('partnership')
    if (typeof name !== 'string') {
      output.err(`--partnership is required.\n\n${this.usage}`)
      return 2
    }
    const partnership = services.crimeComparisons.headlines.findPartnership(name)
    const groups = await services.crimeComparisons.peerGroups.list(partnership.code)
    if (groups.length === 0) {
      output.out(`${partnership.name} has no peer group: import one, or propose one.`)
      return 0
    }
    const directory = services.crimeComparisons.directory()
    for (const g of groups) {
      output.out(`"${g.name}" (${g.method}; ${g.source}; as of ${g.asOf}; ${g.members.length} members)`)
      output.out(`  ${g.members.map((m) => directory.byCode(m.code)?.name ?? m.code).join(', ')}`)
      if (g.methodNote) output.out(`  method: ${g.methodNote}`)
    }
    return 0
  },
}
