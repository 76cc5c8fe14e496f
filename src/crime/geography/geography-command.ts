import path from 'node:path'
import { parseOptions, type Command } from '../../cli/command.ts'
import type { Geography } from './geography.ts'
import {
  LookupFileError,
  SHIPPED_LOOKUP_DIRECTORY,
  instanceLookupDirectory,
  lookupFilePaths,
  updateLookups,
} from './lookup-files.ts'
import type { CrimeServices } from '../crime-services.ts'

/** What the geography holds and what it cannot resolve: shown by both commands. */
function describe(geography: Geography): string[] {
  const forceAreas = new Set(geography.partnerships.map((p) => p.forceAreaCode))
  const lines = [
    `${geography.lsoaCodes.length.toLocaleString('en-GB')} LSOAs, ${geography.partnerships.length} partnerships, ` +
      `${forceAreas.size} police force areas.`,
  ]
  if (geography.unmappedDistricts.length === 0) lines.push('Every LSOA is placed in one partnership.')
  else {
    lines.push('Districts whose LSOAs cannot be placed in one partnership (their crimes are reported as unmapped):')
    for (const d of geography.unmappedDistricts) {
      lines.push(
        `  ${d.districtCode} (${d.lsoaCount} LSOAs): ${
          d.reason === 'district-shared'
            ? `shared by partnerships ${d.partnershipCodes.join(', ')}, and no older district says which`
            : 'not in the partnership lookup, and no successor district is known (reference/ons/district-successors.csv)'
        }`,
      )
    }
  }
  if (geography.sharedDistricts.length > 0) {
    lines.push('Districts shared by several partnerships (LSOAs placed by their pre-merger district):')
    for (const d of geography.sharedDistricts) {
      lines.push(`  ${d.districtName} (${d.districtCode}): ${d.partnerships.map((p) => p.name).join(', ')}`)
    }
  }
  return lines
}

/** `saferhub crime geography`: which lookups are in use and what they resolve. */
export const crimeGeographyCommand: Command<CrimeServices> = {
  name: 'crime geography',
  summary: 'Show the ONS lookups (LSOA → district → partnership → force) in use and what they cannot resolve',
  usage: 'Usage: saferhub crime geography',
  async run(_args, services, output) {
    const files = lookupFilePaths(services.config.dataDirectory)
    output.out(
      `LSOA lookup: ${files.lsoa}\nPartnership lookup: ${files.partnership}\nSuccessor table: ${files.successor}`,
    )
    output.out(describe(services.crime.geography()).join('\n'))
    return 0
  },
}

/** `saferhub crime geography update`: take in a newer ONS lookup. */
export const crimeGeographyUpdateCommand: Command<CrimeServices> = {
  name: 'crime geography update',
  summary: 'Update the ONS lookups from newer ONS files (LSOA → district, district → partnership → force)',
  usage: [
    'Usage: saferhub crime geography update [--lsoa-lookup FILE] [--partnership-lookup FILE] [--into FOLDER]',
    '',
    '  --lsoa-lookup FILE         an ONS LSOA lookup CSV with an LSOA code column (LSOA11CD, LSOA21CD…) and a',
    '                             district code column (LAD18CD, LAD23CD…); its rows are merged into the current',
    '                             lookup (older LSOA codes stay, for older police.uk months)',
    '  --partnership-lookup FILE  an ONS LADyy_CSPyy_PFAyy lookup CSV; replaces the current one',
    "  --into FOLDER              where to write (default: the instance's <data directory>/geography; the",
    "                             project's own copies are in reference/ons)",
    '',
    'The new lookups are resolved before anything is written; a file that does not fit changes nothing.',
  ].join('\n'),
  async run(args, services, output) {
    const { options } = parseOptions(args)
    const lsoaLookup = options.get('lsoa-lookup')
    const partnershipLookup = options.get('partnership-lookup')
    const into = options.get('into')
    if (typeof lsoaLookup !== 'string' && typeof partnershipLookup !== 'string') {
      output.err('Give --lsoa-lookup FILE, --partnership-lookup FILE or both.\n\n' + this.usage)
      return 2
    }
    const directory =
      typeof into === 'string' ? path.resolve(into) : instanceLookupDirectory(services.config.dataDirectory)
    try {
      const summary = updateLookups({
        ...(typeof lsoaLookup === 'string' ? { lsoaLookup } : {}),
        ...(typeof partnershipLookup === 'string' ? { partnershipLookup } : {}),
        directory,
        fallbackDirectory: SHIPPED_LOOKUP_DIRECTORY,
      })
      if (typeof lsoaLookup === 'string') {
        const lsoas = (n: number) => `${n.toLocaleString('en-GB')} ${n === 1 ? 'LSOA' : 'LSOAs'}`
        output.out(
          `LSOA lookup: ${lsoas(summary.lsoaAdded)} added, ${lsoas(summary.lsoaChanged)} moved to another district, ` +
            `${lsoas(summary.lsoaTotal)} in all.`,
        )
      }
      if (summary.partnershipRows !== null) output.out(`Partnership lookup: ${summary.partnershipRows} rows.`)
      output.out(describe(summary.geography).join('\n'))
      output.out(`Written: ${summary.written.join(', ')}`)
      services.crime.geography.reload()
      return 0
    } catch (error) {
      if (error instanceof LookupFileError) {
        output.err(`Nothing was changed: ${error.message}`)
        return 1
      }
      throw error
    }
  },
}
