import type { Services } from '../composition-root.ts'

/** A command of the `saferhub` command line. Each feature exports its own from its `cli.ts`. */
export interface Command {
  /** The words that invoke it, e.g. `import values`. */
  readonly name: string
  /** One line for `saferhub --help`. */
  readonly summary: string
  /** Longer help: arguments and options. */
  readonly usage: string
  /** Runs the command; returns the process exit code. */
  run(args: readonly string[], services: Services, output: CommandOutput): Promise<number>
}

export interface CommandOutput {
  out(text: string): void
  err(text: string): void
}

/** Reads `--name value` and `--flag` options from a list of arguments; the rest are positional. */
export function parseOptions(args: readonly string[]): { options: Map<string, string | true>; positional: string[] } {
  const options = new Map<string, string | true>()
  const positional: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      if (eq > 0) options.set(arg.slice(2, eq), arg.slice(eq + 1))
      else {
        const next = args[i + 1]
        if (next !== undefined && !next.startsWith('--')) {
          options.set(arg.slice(2), next)
          i++
        } else options.set(arg.slice(2), true)
      }
    } else positional.push(arg)
  }
  return { options, positional }
}
