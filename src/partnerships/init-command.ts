import { createInterface } from 'node:readline/promises'
import { defaultCommandActor, optionValue, parseOptions, type Command, type CommandOutput } from '../cli/command.ts'
import type { PartnershipService } from './partnership-service.ts'

/** What `saferhub init` uses: the instance's partnerships and the first administrator's account. */
export interface InitCommandServices {
  readonly partnerships: Pick<PartnershipService, 'add' | 'list'>
  readonly accounts: {
    createFirstAdministrator(
      email: string,
      name?: string,
      actor?: string,
    ): Promise<{ email: string; oneTimePassword: string } | null>
  }
}

/** Asks one question on the terminal; null when there is no terminal to ask on (a script, CI). */
export type Ask = (question: string) => Promise<string | null>

/** Questions on the terminal, only when there is one: a script must give the flags instead. */
export const terminalQuestions: Ask = async (question) => {
  if (!process.stdin.isTTY) return null
  const terminal = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return (await terminal.question(question)).trim()
  } finally {
    terminal.close()
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/

/**
 * The one-time password in a box of its own, printed last so that nothing scrolls it away: the command's own output,
 * on standard output.
 */
export function oneTimePasswordBox(email: string, oneTimePassword: string): string {
  const lines = [
    'THE FIRST ADMINISTRATOR: SIGN IN WITH THIS ONE-TIME PASSWORD',
    '',
    `Email:              ${email}`,
    `One-time password:  ${oneTimePassword}`,
    '',
    'You choose your own password at the first sign-in. It is shown only this once:',
    '`saferhub users reset-password <email>` issues a new one.',
  ]
  const width = Math.max(...lines.map((l) => l.length))
  const rule = `+${'-'.repeat(width + 2)}+`
  return ['', rule, ...lines.map((l) => `| ${l.padEnd(width)} |`), rule, ''].join('\n')
}

/**
 * `saferhub init`: the first run of an instance for a partnership's own use. Makes the partnership (name, short name,
 * ONS code if it has one) and the first administrator, and nothing else: no demo framework, no demo agencies. Asks
 * on the terminal for what the flags leave out, or, without a terminal, says which flags are missing.
 */
export function initCommand(ask: Ask = terminalQuestions): Command<InitCommandServices> {
  return {
    name: 'init',
    summary: 'Set up your partnership and its first administrator (no demo data)',
    usage: [
      'Usage: saferhub init [--name NAME] [--slug SHORT-NAME] [--code E22……] [--admin-email EMAIL] [--admin-name NAME]',
      '',
      'Creates your partnership and the first administrator, and prints their one-time password last.',
      'Nothing of the demo (Wolverhampton’s KPIs, agencies or accounts) is created. Without a flag, the',
      'question is asked on the terminal; in a script give every flag.',
      '',
      '  --name NAME          the partnership’s name, e.g. "Safer Northshire Partnership"',
      '  --slug SHORT-NAME    its address, /p/SHORT-NAME/ (default: made from the name)',
      '  --code CODE          its ONS Community Safety Partnership code (E22 or W14 and six digits), if it has one',
      '  --admin-email EMAIL  the first administrator’s email (default: SAFERHUB_ADMIN_EMAIL)',
      '  --admin-name NAME    their name (default: Administrator)',
      '',
      'Then: saferhub template my-kpis.xlsx, fill it in, saferhub import my-kpis.xlsx (docs/setting-up.md).',
    ].join('\n'),
    async run(args, services, output) {
      const { options, positional } = parseOptions(args)
      const known = ['name', 'slug', 'code', 'admin-email', 'admin-name', 'actor']
      const unknown = [...options.keys()].filter((k) => !known.includes(k))
      if (unknown.length > 0 || positional.length > 0) {
        output.err(
          `Unexpected argument: ${[...unknown.map((k) => `--${k}`), ...positional].join(' ')}\n\n${this.usage}`,
        )
        return 2
      }
      const missing: string[] = []
      const value = async (flag: string, question: string, required: boolean): Promise<string> => {
        const given = optionValue(options, flag)
        if (given !== undefined) return given
        if (options.has(flag)) return '' // `--code` with nothing after it: none
        const answer = await ask(question)
        if (answer === null && required) missing.push(`--${flag}`)
        return answer ?? ''
      }
      const name = await value('name', 'Your partnership’s name (e.g. Safer Northshire Partnership): ', true)
      const slug = await value('slug', 'Its short name for addresses (Enter: made from the name): ', false)
      const code = await value('code', 'Its ONS code, E22 or W14 and six digits (Enter: none): ', false)
      const email = await value('admin-email', 'The first administrator’s email: ', true)
      const adminName = await value('admin-name', 'Their name (Enter: Administrator): ', false)
      if (missing.length > 0) {
        output.err(`There is no terminal to ask on: give ${missing.join(' and ')}.\n\n${this.usage}`)
        return 2
      }
      if (!EMAIL.test(email.trim())) {
        output.err(`admin-email: “${email}” is not an email address`)
        return 2
      }
      const actor = optionValue(options, 'actor') ?? defaultCommandActor()
      const added = await services.partnerships.add(actor, { name, slug: slug || null, code: code || null })
      if (!added.ok) {
        for (const p of added.problems) output.err(`${p.field}: ${p.message}`)
        output.err('Nothing was created.')
        return 1
      }
      const partnership = added.value
      const administrator = await services.accounts.createFirstAdministrator(email.trim(), adminName, actor)
      const others = (await services.partnerships.list()).filter((p) => p.id !== partnership.id)
      report(output, partnership, others.length)
      if (administrator) output.out(oneTimePasswordBox(administrator.email, administrator.oneTimePassword))
      else
        output.out(
          'This instance has its people already: no administrator was created. An instance administrator ' +
            `manages ${partnership.name}; add its people at /p/${partnership.slug}/admin/users.`,
        )
      return 0
    },
  }
}

function report(
  output: CommandOutput,
  partnership: { name: string; slug: string; onsCode: string | null },
  others: number,
): void {
  output.out(
    [
      `Created ${partnership.name}`,
      `  address:   /p/${partnership.slug}/`,
      `  ONS code:  ${partnership.onsCode ?? 'none'}`,
      others > 0 ? `  (this instance serves ${others} other partnership${others === 1 ? '' : 's'} too)` : '',
      '',
      'Next:',
      '  1. saferhub template my-kpis.xlsx     a workbook to fill in with your KPIs, baselines and figures',
      `  2. saferhub import my-kpis.xlsx${others > 0 ? ` --partnership ${partnership.slug}` : ''}`,
      '  3. saferhub serve, sign in below, and add your partner agencies and people',
      'docs/setting-up.md walks through each step.',
    ]
      .filter((line, i) => line !== '' || i > 3)
      .join('\n'),
  )
}
