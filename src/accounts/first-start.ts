import type { Config } from '../config.ts'
import type { AccountService, SecurityEvent } from './account-service.ts'
import { demoUsers } from './demo-users.ts'

/**
 * What the accounts need on every start: on the very first start an instance administrator whose one-time password
 * is printed once (to stderr, so that it never lands in a command's output file). The demo partnership's accounts
 * are `prepareDemoAccounts`'s; they are never created when NODE_ENV=production, whatever SAFERHUB_DEMO says.
 */
export async function prepareAccounts(
  accounts: AccountService,
  config: Config,
  print: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
): Promise<void> {
  const administrator = await accounts.createFirstAdministrator(config.firstAdministratorEmail ?? 'admin@localhost')
  if (administrator) {
    print(
      [
        '',
        '================================================================================',
        ' First start: an administrator account was created.',
        `   Email:              ${administrator.email}`,
        `   One-time password:  ${administrator.oneTimePassword}`,
        ' Sign in with it and choose your own password. It is shown only this once;',
        ' `saferhub users reset-password <email>` issues a new one.',
        '================================================================================',
        '',
      ].join('\n'),
    )
  }
}

/**
 * The demo partnership's accounts: its partner agencies (the West Midlands ones the demo framework names), and one
 * account per role with the public passwords of demo-users.ts. `accounts` is the demo partnership's.
 */
export async function prepareDemoAccounts(
  accounts: AccountService,
  config: Config,
  print: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
): Promise<void> {
  await accounts.createDefaultAgencies()
  if (config.production) {
    print('SAFERHUB_DEMO is set but NODE_ENV=production: the demo accounts (public passwords) were NOT created.')
    return
  }
  const created = await accounts.createDemoUsers()
  if (created > 0) {
    print(
      `DEMO ONLY: ${created} demo accounts created (${demoUsers.map((u) => u.email).join(', ')}); ` +
        'their passwords are in README.md. Never use them on a server with real data.',
    )
  }
}

/** The security log: one JSON object per line on stderr (a newline inside a value cannot forge an entry). */
export function securityLog(write: (line: string) => void = (line) => process.stderr.write(line)) {
  return (event: SecurityEvent): void => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', message: 'security event', ...event })}\n`)
  }
}
