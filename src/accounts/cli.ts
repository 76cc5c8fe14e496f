import {
  operatingSystemUser,
  optionValue,
  parseOptions,
  partnershipOption,
  type Command,
  type CommandOutput,
  type PartnershipChoice,
} from '../cli/command.ts'
import type { AccountService, Actor, FieldError } from './account-service.ts'
import type { TwoStepService } from './two-step/two-step-service.ts'
import type { User } from './account-repository.ts'
import { ownerNameKey } from './data-owner-names.ts'
import { roleNames, roles } from './roles.ts'

/**
 * Account administration from the server's command line: whoever can run commands on the server already
 * holds the database, so these act as the system (and are audited as "command line (<OS user>)").
 * The way back in when the first administrator's one-time password was lost.
 */
function commandLineActor(): Actor {
  // No user name (some containers): the audit says "unknown".
  return { system: `command line (${operatingSystemUser() ?? 'unknown'})` }
}

/** What the account commands use of the application's services. */
export interface AccountCommandServices {
  readonly accounts: AccountService
  readonly twoStep: TwoStepService
}

function printErrors(output: CommandOutput, errors: readonly FieldError[]): number {
  for (const error of errors) output.err(`${error.field}: ${error.message}`)
  return 1
}

/**
 * The user whose email is the command's one argument; else says what is wrong and gives the exit code (2 without an
 * email, 1 when no account has it).
 */
async function userOfArgument(
  args: readonly string[],
  services: AccountCommandServices,
  output: CommandOutput,
  usage: string,
) {
  const email = parseOptions(args).positional[0]
  const user = email ? await services.accounts.repository.findUserByEmail(email) : null
  if (user) return user
  output.err(email ? `No account with the email ${email}` : usage)
  return email ? 1 : 2
}

function describeUser(user: User): string {
  const status = user.disabled ? 'disabled' : user.mustChangePassword ? 'must choose a password' : 'active'
  return [String(user.id), user.email, user.name, roleNames[user.role], user.agency?.code ?? '-', status].join('\t')
}

export const usersListCommand: Command<AccountCommandServices> = {
  name: 'users list',
  summary: 'List the user accounts',
  usage:
    'Usage: saferhub users list\n\nPrints id, email, name, role, agency and status, one account a line (tab-separated).',
  async run(_args, services, output) {
    const users = await services.accounts.listUsers(commandLineActor())
    output.out(['id', 'email', 'name', 'role', 'agency', 'status'].join('\t'))
    for (const user of users) output.out(describeUser(user))
    return 0
  },
}

export const usersAddCommand: Command<AccountCommandServices> = {
  name: 'users add',
  summary: 'Add a user account and print its one-time password',
  usage: [
    'Usage: saferhub users add <email> --name "Full Name" --role <role> [--agency CODE]',
    '',
    `Roles: ${roles.join(', ')}. A data owner needs --agency (see \`saferhub agencies list\`).`,
    'Prints a one-time password; the user must choose their own at first sign-in.',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const email = positional[0]
    if (!email) {
      output.err(this.usage)
      return 2
    }
    const agencyCode = optionValue(options, 'agency')
    const agency = agencyCode ? await services.accounts.repository.findAgencyByCode(agencyCode) : null
    if (agencyCode && !agency) {
      output.err(`agency: no agency with the code "${agencyCode}" (see \`saferhub agencies list\`)`)
      return 1
    }
    const result = await services.accounts.addUser(commandLineActor(), {
      email,
      name: optionValue(options, 'name') ?? '',
      role: optionValue(options, 'role') ?? '',
      agencyId: agency?.id ?? null,
    })
    if (!result.ok) return printErrors(output, result.errors)
    output.out(`Added ${result.user.email} (${roleNames[result.user.role]}).`)
    if (result.oneTimePassword === null) {
      output.out('They already had an account in another partnership: they sign in with their own password.')
      return 0
    }
    output.out(`One-time password: ${result.oneTimePassword}`)
    return 0
  },
}

export const usersResetPasswordCommand: Command<AccountCommandServices> = {
  name: 'users reset-password',
  summary: 'Issue a new one-time password for a user (ends their sessions)',
  usage: 'Usage: saferhub users reset-password <email>',
  async run(args, services, output) {
    const user = await userOfArgument(args, services, output, this.usage)
    if (typeof user === 'number') return user
    const { oneTimePassword } = await services.accounts.resetPassword(commandLineActor(), user.id)
    output.out(`One-time password for ${user.email}: ${oneTimePassword}`)
    output.out('They must choose their own password when they sign in with it.')
    return 0
  },
}

export const usersResetTwoStepCommand: Command<AccountCommandServices> = {
  name: 'users reset-two-step',
  summary: 'Reset a user’s two-step sign-in (lost phone and recovery codes; ends their sessions)',
  usage: [
    'Usage: saferhub users reset-two-step <email>',
    '',
    'Deletes the user’s authenticator key and recovery codes and ends their sessions. Where SAFERHUB_TWO_STEP',
    'requires two-step sign-in for them, they set it up again when they next sign in. Audited.',
  ].join('\n'),
  async run(args, services, output) {
    const user = await userOfArgument(args, services, output, this.usage)
    if (typeof user === 'number') return user
    const { wasOn } = await services.twoStep.reset(commandLineActor(), user.id)
    output.out(
      wasOn
        ? `Two-step sign-in for ${user.email} is reset; their sessions have ended.`
        : `${user.email} did not have two-step sign-in set up; their sessions have ended.`,
    )
    if (services.twoStep.requiredFor(user)) output.out('They must set it up again when they next sign in.')
    return 0
  },
}

function disableCommand(disabled: boolean): Command<AccountCommandServices> {
  return {
    name: disabled ? 'users disable' : 'users enable',
    summary: disabled ? 'Disable a user account (ends its sessions at once)' : 'Enable a disabled user account',
    usage: `Usage: saferhub users ${disabled ? 'disable' : 'enable'} <email>`,
    async run(args, services, output) {
      const user = await userOfArgument(args, services, output, this.usage)
      if (typeof user === 'number') return user
      const result = await services.accounts.setUserDisabled(commandLineActor(), user.id, disabled)
      if (!result.ok) return printErrors(output, result.errors)
      output.out(`${result.user.email} is ${disabled ? 'disabled' : 'enabled'}.`)
      return 0
    },
  }
}

export const agenciesListCommand: Command<AccountCommandServices> = {
  name: 'agencies list',
  summary: 'List the partner agencies',
  usage: 'Usage: saferhub agencies list',
  async run(_args, services, output) {
    for (const agency of await services.accounts.listAgencies()) output.out(`${agency.code}\t${agency.name}`)
    return 0
  },
}

export const agenciesAddCommand: Command<AccountCommandServices> = {
  name: 'agencies add',
  summary: 'Add a partner agency',
  usage: 'Usage: saferhub agencies add <CODE> --name "Agency name"',
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const code = positional[0]
    if (!code) {
      output.err(this.usage)
      return 2
    }
    const result = await services.accounts.addAgency(commandLineActor(), {
      code,
      name: optionValue(options, 'name') ?? '',
    })
    if (!result.ok) return printErrors(output, result.errors)
    output.out(`Added ${result.agency.code}: ${result.agency.name}`)
    return 0
  },
}

/** The agency with this code (case ignored), or null after saying so. */
async function agencyByCode(services: AccountCommandServices, code: string | undefined, output: CommandOutput) {
  const agency = (await services.accounts.listAgencies()).find((a) => ownerNameKey(a.code) === ownerNameKey(code ?? ''))
  if (!agency) output.err(`agency: no agency with the code "${code ?? ''}" (see \`saferhub agencies list\`)`)
  return agency ?? null
}

export const agenciesLinkCommand: Command<AccountCommandServices> = {
  name: 'agencies link',
  summary: 'Link an agency another partnership already works with to this partnership',
  usage: [
    'Usage: saferhub agencies link --partnership P --agency AGENCY',
    '',
    'AGENCY is the agency’s code, name or number, among every agency of the instance (a police force that serves',
    'several partnerships is added once and linked to each). Its code and names must name no agency the partnership',
    'already works with. Audited; linking an agency twice changes nothing.',
  ].join('\n'),
  async run(args, services, output) {
    const reference = optionValue(parseOptions(args).options, 'agency')
    if (!reference) {
      output.err(this.usage)
      return 2
    }
    const actor = commandLineActor()
    const key = ownerNameKey(reference)
    const here = await services.accounts.listAgencies()
    const candidates = [...here, ...(await services.accounts.linkableAgencies(actor))]
    const byNumber = /^\d+$/.test(reference) ? candidates.filter((a) => a.id === Number(reference)) : []
    const byCode = candidates.filter((a) => ownerNameKey(a.code) === key)
    const byName = candidates.filter((a) => ownerNameKey(a.name) === key)
    const matches = [byNumber, byCode, byName].find((found) => found.length > 0) ?? []
    if (matches.length !== 1) {
      output.err(
        matches.length === 0
          ? `agency: no agency "${reference}" in this instance (its code, name or number; see \`saferhub agencies list\`)`
          : `agency: "${reference}" names ${matches.length} agencies: give its code`,
      )
      return 1
    }
    const result = await services.accounts.linkAgency(actor, (matches[0] as { id: number }).id)
    if (!result.ok) return printErrors(output, result.errors)
    output.out(
      result.linked
        ? `Linked ${result.agency.code} (${result.agency.name}) to this partnership.`
        : `${result.agency.code} (${result.agency.name}) already works with this partnership: nothing was changed.`,
    )
    return 0
  },
}

export const agenciesRenameCommand: Command<AccountCommandServices> = {
  name: 'agencies rename',
  summary: 'Change an agency’s name (its code never changes)',
  usage: 'Usage: saferhub agencies rename <CODE> --name "New name"',
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const name = optionValue(options, 'name')
    if (!positional[0] || name === undefined) {
      output.err(this.usage)
      return 2
    }
    const agency = await agencyByCode(services, positional[0], output)
    if (!agency) return 1
    const result = await services.accounts.updateAgency(commandLineActor(), agency.id, {
      name,
      ownerNames: agency.ownerNames,
    })
    if (!result.ok) return printErrors(output, result.errors)
    output.out(result.changed ? `${agency.code} is now: ${result.agency.name}` : 'Nothing was changed.')
    return 0
  },
}

export const agenciesRemoveCommand: Command<AccountCommandServices> = {
  name: 'agencies remove',
  summary: 'Remove an agency from the partnership (refused while it owns KPIs or has returns, unless confirmed)',
  usage: [
    'Usage: saferhub agencies remove <CODE> [--delete-linked]',
    '',
    'The agency stops working with the partnership, and is deleted from the instance when no other partnership',
    'works with it. While it owns KPIs, has quarterly returns, data owners or API tokens here, nothing is done and',
    'they are named; --delete-linked deletes its returns and tokens and ends its data owners’ place here (its KPIs',
    'keep their Owner text, owned by nobody). Audited.',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const unknown = [...options.keys()].filter((k) => k !== 'delete-linked')
    if (positional.length !== 1 || unknown.length > 0) {
      output.err(this.usage)
      return 2
    }
    const agency = await agencyByCode(services, positional[0], output)
    if (!agency) return 1
    const result = await services.accounts.removeAgency(commandLineActor(), agency.id, {
      deleteHoldings: options.get('delete-linked') === true,
    })
    if (result.outcome === 'needs-confirmation') {
      output.err(`${agency.code} (${agency.name}) still has:`)
      for (const line of result.described) output.err(`  ${line}`)
      output.err(
        `Nothing was removed. To remove it with these: saferhub agencies remove ${agency.code} --delete-linked`,
      )
      return 1
    }
    output.out(
      result.deleted
        ? `Removed ${result.code} (${result.name}): no other partnership worked with it, so it is deleted.`
        : `Removed ${result.code} (${result.name}) from this partnership; other partnerships still work with it.`,
    )
    return 0
  },
}

export const agenciesOwnerNamesCommand: Command<AccountCommandServices> = {
  name: 'agencies owner-names',
  summary: 'List, add or remove the names an agency goes by in the KPI framework’s Owner column',
  usage: [
    'Usage: saferhub agencies owner-names <CODE> [--add "Name" | --remove "Name"]',
    '',
    'A KPI belongs to the agency whose code, or one of whose owner names, its Owner column gives (case and spacing',
    'ignored). A name can belong to one agency only. Without --add or --remove, prints the names, one a line.',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const add = optionValue(options, 'add')
    const remove = optionValue(options, 'remove')
    if (!positional[0] || (add !== undefined && remove !== undefined)) {
      output.err(this.usage)
      return 2
    }
    const agency = await agencyByCode(services, positional[0], output)
    if (!agency) return 1
    if (add === undefined && remove === undefined) {
      for (const name of agency.ownerNames) output.out(name)
      return 0
    }
    if (remove !== undefined && !agency.ownerNames.some((n) => ownerNameKey(n) === ownerNameKey(remove))) {
      output.err(`ownerNames: ${agency.code} has no owner name "${remove}"`)
      return 1
    }
    const ownerNames =
      add !== undefined
        ? [...agency.ownerNames, add]
        : agency.ownerNames.filter((n) => ownerNameKey(n) !== ownerNameKey(remove ?? ''))
    const result = await services.accounts.updateAgency(commandLineActor(), agency.id, {
      name: agency.name,
      ownerNames,
    })
    // The form's "Line n:" means nothing here: one name was given.
    if (!result.ok)
      return printErrors(
        output,
        result.errors.map((e) => ({ ...e, message: e.message.replace(/^Line \d+: /, '') })),
      )
    output.out(
      result.changed ? `${agency.code}'s owner names: ${result.agency.ownerNames.join('; ')}` : 'Nothing was changed.',
    )
    return 0
  },
}

export const apiTokensCreateCommand: Command<AccountCommandServices> = {
  name: 'api-tokens create',
  summary: 'Issue an API token for an agency (printed once)',
  usage: [
    'Usage: saferhub api-tokens create --agency CODE --name "what it is for" [--expires YYYY-MM-DD]',
    '',
    'The token acts for the agency with a data owner’s rights. It is printed once; only its hash is kept.',
  ].join('\n'),
  async run(args, services, output) {
    const { options } = parseOptions(args)
    const agencyCode = optionValue(options, 'agency') ?? ''
    const agency = await services.accounts.repository.findAgencyByCode(agencyCode)
    if (!agency) {
      output.err(`agency: no agency with the code "${agencyCode}" (see \`saferhub agencies list\`)`)
      return 1
    }
    const expires = optionValue(options, 'expires')
    const result = await services.accounts.createApiToken(commandLineActor(), {
      agencyId: agency.id,
      name: optionValue(options, 'name') ?? '',
      expiresAt: expires ?? null,
    })
    if (!result.ok) return printErrors(output, result.errors)
    output.out(`API token ${result.apiToken.id} for ${agency.code}: ${result.token}`)
    output.out('Store it now: it cannot be shown again.')
    return 0
  },
}

export const apiTokensListCommand: Command<AccountCommandServices> = {
  name: 'api-tokens list',
  summary: 'List API tokens (never the tokens themselves)',
  usage: 'Usage: saferhub api-tokens list',
  async run(_args, services, output) {
    const agencies = new Map((await services.accounts.listAgencies()).map((a) => [a.id, a.code]))
    output.out(['id', 'agency', 'name', 'prefix', 'created', 'expires', 'revoked', 'last used'].join('\t'))
    for (const token of await services.accounts.listApiTokens(commandLineActor())) {
      output.out(
        [
          token.id,
          agencies.get(token.agencyId) ?? token.agencyId,
          token.name,
          token.tokenPrefix,
          token.createdAt,
          token.expiresAt ?? '-',
          token.revokedAt ?? '-',
          token.lastUsedAt ?? '-',
        ].join('\t'),
      )
    }
    return 0
  },
}

export const apiTokensRevokeCommand: Command<AccountCommandServices> = {
  name: 'api-tokens revoke',
  summary: 'Revoke an API token at once',
  usage: 'Usage: saferhub api-tokens revoke <id>',
  async run(args, services, output) {
    const id = Number(parseOptions(args).positional[0])
    if (!Number.isInteger(id) || id <= 0) {
      output.err(this.usage)
      return 2
    }
    const token = await services.accounts.revokeApiToken(commandLineActor(), id)
    output.out(`API token ${token.id} (${token.tokenPrefix}…) revoked at ${token.revokedAt ?? ''}.`)
    return 0
  },
}

/** Every accounts command, for the `commands` list of src/main.ts. */
/**
 * A partnership's people, agencies and API tokens: each command works in the partnership `--partnership` names (its
 * ONS code, short name or name), or the instance's only one. The option is taken off before the command reads its
 * own.
 */
function inPartnership(
  command: Command<AccountCommandServices>,
): Command<AccountCommandServices & PartnershipChoice<{ readonly accounts: AccountService }>> {
  return {
    ...command,
    usage: `${command.usage}\n\n  --partnership P  the partnership (ONS code, short name or name); default: the only one`,
    async run(args, services, output) {
      const rest: string[] = []
      let reference: string | undefined
      for (let i = 0; i < args.length; i++) {
        const arg = args[i] as string
        if (arg === '--partnership') reference = args[++i] ?? ''
        else if (arg.startsWith('--partnership=')) reference = arg.slice('--partnership='.length)
        else rest.push(arg)
      }
      const options = new Map<string, string | true>(reference === undefined ? [] : [['partnership', reference]])
      const partnership = await partnershipOption(services, options, output)
      if (!partnership) return 2
      return command.run(rest, { ...services, accounts: partnership.accounts }, output)
    },
  }
}

export const accountCommands = [
  usersListCommand,
  usersAddCommand,
  usersResetPasswordCommand,
  usersResetTwoStepCommand,
  disableCommand(true),
  disableCommand(false),
  agenciesListCommand,
  agenciesAddCommand,
  agenciesLinkCommand,
  agenciesRenameCommand,
  agenciesOwnerNamesCommand,
  agenciesRemoveCommand,
  apiTokensCreateCommand,
  apiTokensListCommand,
  apiTokensRevokeCommand,
].map(inPartnership)
