import { defaultCommandActor, optionValue, parseOptions, type Command, type CommandOutput } from '../cli/command.ts'
import type { PartnershipService } from './partnership-service.ts'
import type { Partnership } from './partnership.ts'
import type { FieldProblem, SettingsChange } from './partnership-service.ts'

/** What the partnerships commands use: the instance's partnership service. */
export interface PartnershipCommandServices {
  readonly partnerships: PartnershipService
}

function describe(services: PartnershipCommandServices, p: Partnership): string {
  const ons = services.partnerships.onsDetails(p)
  const where = p.onsCode
    ? ons
      ? `${p.onsCode}, ${ons.forceName}, ${ons.districtCodes.length} district${ons.districtCodes.length === 1 ? '' : 's'}`
      : `${p.onsCode} (not in the ONS lookup: no districts or force)`
    : 'no ONS code'
  const setting = (value: unknown) => (value === null ? 'instance setting' : String(value))
  return [
    `${p.name} (/p/${p.slug}/; ${where}; ${p.nation === 'wales' ? 'Wales' : 'England'})`,
    `  disclosure minimum: ${setting(p.settings.disclosureMinimum)}; returns due: ${setting(p.settings.returnsDueDays)} days after the quarter; two-step sign-in: ${setting(p.settings.twoStepPolicy)}`,
  ].join('\n')
}

function problems(output: CommandOutput, list: readonly FieldProblem[]): number {
  for (const p of list) output.err(`${p.field}: ${p.message}`)
  return 1
}

/** `--name value`: a whole number; `default` or empty: the instance's setting (null); absent: unchanged. */
function wholeSetting(options: ReadonlyMap<string, string | true>, name: string): number | null | undefined {
  const value = optionValue(options, name)
  if (value === undefined) return undefined
  if (value === '' || value === 'default') return null
  return /^\d+$/.test(value) ? Number(value) : Number.NaN
}

function settingsFrom(options: ReadonlyMap<string, string | true>): SettingsChange {
  const policy = optionValue(options, 'two-step')
  return {
    disclosureMinimum: wholeSetting(options, 'disclosure-minimum'),
    returnsDueDays: wholeSetting(options, 'returns-due-days'),
    twoStepPolicy:
      policy === undefined ? undefined : policy === 'default' ? null : (policy as SettingsChange['twoStepPolicy']),
  }
}

const SETTINGS_HELP = [
  '  --disclosure-minimum N   public counts from 1 to N-1 are withheld ("default": the instance\'s)',
  '  --returns-due-days N     quarterly returns are due N days after the quarter ("default": the instance\'s)',
  '  --two-step POLICY        required, administrators or optional ("default": the instance\'s)',
]

export const partnershipCommands: Command<PartnershipCommandServices>[] = [
  {
    name: 'partnerships list',
    summary: 'List the partnerships this instance serves, with their codes and settings',
    usage: 'Usage: saferhub partnerships list',
    async run(_args, services, output) {
      const all = await services.partnerships.list()
      if (all.length === 0) output.out('No partnerships yet: add one with `saferhub partnerships add --name NAME`.')
      for (const p of all) output.out(describe(services, p))
      return 0
    },
  },
  {
    name: 'partnerships add',
    summary: 'Add a partnership (its ONS code gives its districts and police force)',
    usage: [
      'Usage: saferhub partnerships add --name NAME [--code E22……] [--slug SHORT-NAME] [settings] [--actor NAME]',
      '',
      '  --code CODE              the ONS Community Safety Partnership code (E22 or W14 and six digits)',
      '  --slug SHORT-NAME        its address, /p/SHORT-NAME/ (default: made from the name)',
      ...SETTINGS_HELP,
    ].join('\n'),
    async run(args, services, output) {
      const { options } = parseOptions(args)
      const name = optionValue(options, 'name')
      if (name === undefined) {
        output.err('Give the partnership’s name with --name')
        return 2
      }
      const settings = settingsFrom(options)
      const result = await services.partnerships.add(optionValue(options, 'actor') ?? defaultCommandActor(), {
        name,
        code: optionValue(options, 'code') ?? null,
        slug: optionValue(options, 'slug') ?? null,
        settings: {
          disclosureMinimum: settings.disclosureMinimum ?? null,
          returnsDueDays: settings.returnsDueDays ?? null,
          twoStepPolicy: settings.twoStepPolicy ?? null,
        },
      })
      if (!result.ok) return problems(output, result.problems)
      output.out(`Added: ${describe(services, result.value)}`)
      return 0
    },
  },
  {
    name: 'partnerships rename',
    summary: 'Rename a partnership (its address and code stay the same)',
    usage:
      'Usage: saferhub partnerships rename PARTNERSHIP --name NEW-NAME [--actor NAME]\n\nPARTNERSHIP: its ONS code, short name or name.',
    async run(args, services, output) {
      const { options, positional } = parseOptions(args)
      const name = optionValue(options, 'name')
      if (positional.length !== 1 || name === undefined) {
        output.err('Give the partnership and its new name: saferhub partnerships rename E22000341 --name "…"')
        return 2
      }
      let partnership: Partnership
      try {
        partnership = await services.partnerships.resolve(positional[0])
      } catch (error) {
        output.err((error as Error).message)
        return 2
      }
      const result = await services.partnerships.rename(
        optionValue(options, 'actor') ?? defaultCommandActor(),
        partnership.id,
        name,
      )
      if (!result.ok) return problems(output, result.problems)
      output.out(`Renamed: ${describe(services, result.value)}`)
      return 0
    },
  },
  {
    name: 'partnerships settings',
    summary: 'Show or change a partnership’s settings and ONS code',
    usage: [
      'Usage: saferhub partnerships settings PARTNERSHIP [--code CODE] [settings] [--actor NAME]',
      '',
      'PARTNERSHIP: its ONS code, short name or name. Without options, shows the settings.',
      '  --code CODE              set its ONS code ("none" to remove it)',
      ...SETTINGS_HELP,
    ].join('\n'),
    async run(args, services, output) {
      const { options, positional } = parseOptions(args)
      let partnership: Partnership
      try {
        partnership = await services.partnerships.resolve(positional[0] ?? null)
      } catch (error) {
        output.err((error as Error).message)
        return 2
      }
      const settings = settingsFrom(options)
      const code = optionValue(options, 'code')
      const changing = code !== undefined || Object.values(settings).some((v) => v !== undefined)
      if (!changing) {
        output.out(describe(services, partnership))
        return 0
      }
      const result = await services.partnerships.updateSettings(
        optionValue(options, 'actor') ?? defaultCommandActor(),
        partnership.id,
        { ...settings, ...(code !== undefined ? { onsCode: code === 'none' ? null : code } : {}) },
      )
      if (!result.ok) return problems(output, result.problems)
      output.out(`Saved: ${describe(services, result.value)}`)
      return 0
    },
  },
]
