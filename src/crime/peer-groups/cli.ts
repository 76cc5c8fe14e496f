import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { oneFileArgument, optionValue, parseOptions, type Command } from '../../cli/command.ts'
import { instanceLookupDirectory } from '../geography/lookup-files.ts'
import { actorFrom, readCommandFile } from '../reference/cli.ts'
import { formatTableProblem } from '../reference/recorded-crime-table.ts'
import { formatDistrictProfileCsv, PROFILE_FILE, readDistrictProfileWorkbook } from './district-profile.ts'
import { DEFAULT_GROUP_SIZE, type PeerGroupProposal } from './peer-group-service.ts'
import type { CrimeServices } from '../crime-services.ts'

/** `saferhub crime peer-group import FILE`. */
export const peerGroupImportCommand: Command<CrimeServices> = {
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
    const filePath = oneFileArgument(positional, this.usage, output)
    if (filePath === null) return 2
    const result = await services.crimeComparisons.peerGroups.importFile(
      await readCommandFile(filePath),
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
export const peerGroupEnterCommand: Command<CrimeServices> = {
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
    const partnership = optionValue(options, 'partnership')
    const name = optionValue(options, 'name')
    const source = optionValue(options, 'source')
    const asOf = optionValue(options, 'as-of')
    const members = optionValue(options, 'members')
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
export const peerGroupProposeCommand: Command<CrimeServices> = {
  name: 'crime peer-group propose',
  summary: 'Propose a most similar group by nearest neighbours over public ONS data (saved only with --save)',
  usage: [
    'Usage: saferhub crime peer-group propose --partnership NAME|CODE [--size N] [--without-crime-rate] [--save]',
    '                                         [--actor NAME]',
    '',
    'Standardises each variable (z-scores) over every partnership of England and Wales, takes the Euclidean',
    "distance, and lists the partnership with its nearest neighbours and each one's values, so that you can judge",
    'the group before saving it. Variables (docs/crime-comparisons.md): population density, the shares aged 16 to',
    '29 and 65 and over, population turnover (ONS mid-year estimates, reference/ons/district-profile.csv), and the',
    'crime profile from the ONS tables: crimes per 1,000 residents and the shares of violence and of acquisitive',
    'crime. Needs the ONS recorded crime tables imported first (saferhub crime import-ons-tables).',
    '',
    `  --size N              members including the partnership itself (default ${DEFAULT_GROUP_SIZE}, as Home Office groups)`,
    '  --without-crime-rate  leave the crime level out, so the group is not chosen on the figure it is ranked on',
    '  --save                store the proposal as a peer group (method "proposed", with the method in its note)',
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
    const result = await services.crimeComparisons.peerGroups.propose(partnership.code, {
      size,
      includeCrimeRate: options.get('without-crime-rate') !== true,
    })
    const directory = services.crimeComparisons.directory()
    output.out(`Proposed most similar group for ${partnership.name} (${partnership.code}), ${size} members:\n`)
    for (const line of proposalTable(result, (code) => directory.byCode(code))) output.out(line)
    output.out(`\nMethod: ${result.group.methodNote}`)
    output.out(
      '"Largest difference" is the variable on which the member differs most from the partnership, in standard ' +
        'deviations across all partnerships.',
    )
    for (const n of result.proposal.notes) output.out(`note: ${n}`)
    if (options.get('save') === true) {
      const id = await services.crimeComparisons.peerGroups.save(result.group, actorFrom(options))
      output.out(`Saved as "${result.group.name}" (id ${id}).`)
    } else output.out('Not saved: run again with --save to keep it.')
    return 0
  },
}

/**
 * The proposal as a table an analyst can judge: each member's distance, its value of every variable (in the
 * variable's own units) and the variable it differs most on, then the mean over all candidates.
 */
export function proposalTable(
  result: PeerGroupProposal,
  partnership: (code: string) => { name: string; forceName: string } | null,
): string[] {
  const columns = result.variables.map((v) => v.heading)
  const widths = columns.map((h) => Math.max(h.length, 8))
  const cells = (values: readonly number[]) =>
    result.variables.map((v, j) => v.show(values[j] as number).padStart(widths[j] as number)).join('  ')
  const stats = result.proposal.standardisation
  const target = result.memberValues[0] ?? []
  const header =
    `      ${'Partnership'.padEnd(32)} ${'Force'.padEnd(20)} ${'distance'.padStart(8)}  ` +
    `${columns.map((h, j) => h.padStart(widths[j] as number)).join('  ')}  largest difference`
  const lines = [header]
  result.group.members.forEach((m, i) => {
    const p = partnership(m.code)
    const values = result.memberValues[i] ?? []
    let largest = ''
    if (i > 0) {
      let best = -1
      values.forEach((v, j) => {
        const s = stats[j]
        if (!s || !s.used) return
        const z = (v - (target[j] as number)) / s.sd
        if (Math.abs(z) > best) {
          best = Math.abs(z)
          largest = `${result.variables[j]?.heading} ${z >= 0 ? '+' : '−'}${Math.abs(z).toFixed(1)} sd`
        }
      })
    }
    lines.push(
      `  ${String(i + 1).padStart(2)}. ${(p?.name ?? m.code).slice(0, 32).padEnd(32)} ` +
        `${(p?.forceName ?? '').slice(0, 20).padEnd(20)} ${(m.distance ?? 0).toFixed(3).padStart(8)}  ` +
        `${cells(values)}  ${largest}`,
    )
  })
  lines.push(
    `      ${`Average of ${result.proposal.candidates} partnerships`.padEnd(32)} ${''.padEnd(20)} ${''.padStart(8)}  ` +
      cells(stats.map((s) => s.mean)),
  )
  return lines
}

/** `saferhub crime peer-group show --partnership X`. */
export const peerGroupShowCommand: Command<CrimeServices> = {
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

/** `saferhub crime peer-group profile FILE [--into FOLDER]`: the districts' profile from a newer ONS workbook. */
export const peerGroupProfileCommand: Command<CrimeServices> = {
  name: 'crime peer-group profile',
  summary: "Update the districts' profile (age, area, moves) used to propose groups, from ONS mid-year estimates",
  usage: [
    'Usage: saferhub crime peer-group profile FILE [--into FOLDER]',
    '',
    'FILE is the ONS mid-year population estimates workbook for local authorities (e.g.',
    'LAD23_Mid_Year_pop_2011_to_2023.xlsx), with sheets "MYE2 - Persons" (single year of age), MYE3 (components',
    'of change) and MYE5 (area). Writes district-profile.csv: residents, aged 16 to 29, aged 65 and over, area and',
    "moves in and out, per district, for the workbook's mid-year.",
    '',
    "  --into FOLDER   where to write (default: the instance's <data directory>/geography, which is then used",
    "                  instead of the project's reference/ons/district-profile.csv)",
    '',
    'A workbook with any problem (named by sheet, row and column) writes nothing.',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const filePath = oneFileArgument(positional, this.usage, output)
    if (filePath === null) return 2
    const into = options.get('into')
    if (into === true) {
      output.err(`--into needs a folder.\n\n${this.usage}`)
      return 2
    }
    const read = await readDistrictProfileWorkbook(await readCommandFile(filePath))
    if (!read.table) {
      for (const p of read.problems) output.err(formatTableProblem(p))
      output.err(`Nothing was written: ${read.problems.length} problem${read.problems.length === 1 ? '' : 's'}.`)
      return 1
    }
    const folder =
      typeof into === 'string' ? path.resolve(into) : instanceLookupDirectory(services.config.dataDirectory)
    mkdirSync(folder, { recursive: true })
    const target = path.join(folder, PROFILE_FILE)
    // Written beside and renamed, so that a reader never sees half a file.
    writeFileSync(`${target}.part`, formatDistrictProfileCsv(read.table))
    renameSync(`${target}.part`, target)
    output.out(
      `District profile for mid-${read.table.midYear}: ${read.table.districts.size} districts, written to ${target}.`,
    )
    const directory = services.crimeComparisons.directory()
    const missing = [...new Set(directory.partnerships.flatMap((p) => p.districtCodes))]
      .filter((d) => !read.table?.districts.has(d))
      .sort()
    if (missing.length > 0) {
      output.out(`note: ${missing.length} district(s) of the partnership lookup are not in it: ${missing.join(', ')}`)
    }
    if (typeof into !== 'string') services.crimeComparisons.peerGroups.reloadProfile()
    return 0
  },
}
