import cluster from 'node:cluster'
import { loadConfig } from './config.ts'
import { createServices, type Services } from './composition-root.ts'
import type { Command, CommandOutput } from './cli/command.ts'
import {
  demoLoadCommand,
  demoRemoveCommand,
  importCommand,
  kpiRemoveCommand,
  templateCommand,
} from './performance/cli.ts'
import { initCommand } from './partnerships/init-command.ts'
import { reportCommand } from './reports/cli.ts'
import { reportCheckCommand } from './annual-report/report-check-cli.ts'
import { serveCommand } from './web/cli.ts'
import { crimeCommands } from './crime/cli.ts'
import { accountCommands } from './accounts/cli.ts'
import { partnershipCommands } from './partnerships/cli.ts'
import { budgetImportCommand, budgetTemplateCommand } from './funding/budget-cli.ts'
import { databaseFailure, databaseFailureLine } from './db/database-errors.ts'
import { jsonLogger } from './web/logger.ts'

/**
 * The `saferhub` command line. Every feature contributes its commands; `serve` runs the web application.
 * `npm start` is `saferhub serve`.
 */
const commands: Command<Services>[] = [
  initCommand(),
  templateCommand,
  importCommand,
  demoLoadCommand,
  demoRemoveCommand,
  kpiRemoveCommand,
  reportCommand,
  reportCheckCommand,
  serveCommand,
  ...crimeCommands,
  ...accountCommands,
  ...partnershipCommands,
  budgetImportCommand,
  budgetTemplateCommand,
]

const output: CommandOutput = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
}

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4)
  return [
    "saferhub: the Community Safety Partnership's performance, crime data and reports",
    '',
    'Usage: saferhub <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `saferhub <command> --help` for a command's options. Configuration is by environment variables: see README.md.",
  ].join('\n')
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    output.out(help())
    return 0
  }
  // The longest command name that the arguments start with: `import values` before `import`.
  const match = commands
    .filter((c) => {
      const words = c.name.split(' ')
      return words.every((w, i) => argv[i] === w)
    })
    .sort((a, b) => b.name.length - a.name.length)[0]
  if (!match) {
    output.err(`Unknown command: ${argv.join(' ')}\n\n${help()}`)
    return 2
  }
  const args = argv.slice(match.name.split(' ').length)
  if (args.includes('--help')) {
    output.out(`saferhub ${match.name}: ${match.summary}\n\n${match.usage}`)
    return 0
  }
  // The web server logs a pooled PostgreSQL connection that the server ended; a command prints only its own lines.
  const logger = jsonLogger()
  const services = await createServices(
    loadConfig(),
    match.name === 'serve'
      ? {
          onConnectionLost: (detail) => logger.log('warn', 'database connection lost', { detail }),
          // One of several serving processes (SAFERHUB_PROCESSES): the first process made what a first start makes.
          ...(cluster.isWorker ? { firstStart: 'nothing' as const } : {}),
        }
      : // A command creates nothing it was not asked for: no demo before a first import, no administrator before init.
        { firstStart: 'nothing' as const },
  )
  let failed = false
  try {
    return await match.run(args, services, output)
  } catch (error) {
    failed = true
    throw error
  } finally {
    // After a failure (the database gone, say) closing may fail too: the first error is the one to report.
    if (match.name !== 'serve')
      await services.close().catch((error: unknown) => (failed ? undefined : Promise.reject(error)))
  }
}

/**
 * The one line printed for a command that failed: a database failure (busy, unreachable, disk full) in words an
 * operator can act on, whichever command met it; anything else by its message.
 */
function failureLine(error: unknown): string {
  const kind = databaseFailure(error)
  if (kind !== null) return databaseFailureLine(kind, error)
  return error instanceof Error ? error.message : String(error)
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code
  },
  (error: unknown) => {
    output.err(failureLine(error))
    process.exitCode = 1
  },
)
