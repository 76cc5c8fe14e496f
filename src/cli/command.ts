import os from 'node:os'

/**
 * A command of the `saferhub` command line. Each feature exports its own from its `cli.ts`, typed with the services
 * it uses (`S`: a narrow shape of what src/composition-root.ts builds, declared by the feature), so that no feature
 * depends on the composition; src/main.ts gives every command the whole graph, checked against each `S`.
 */
export interface Command<S = unknown> {
  /** The words that invoke it, e.g. `import values`. */
  readonly name: string
  /** One line for `saferhub --help`. */
  readonly summary: string
  /** Longer help: arguments and options. */
  readonly usage: string
  /** Runs the command; returns the process exit code. */
  run(args: readonly string[], services: S, output: CommandOutput): Promise<number>
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

/** The value of `--name value` (or `--name=value`); undefined when the option is absent or given without a value. */
export function optionValue(options: ReadonlyMap<string, string | true>, name: string): string | undefined {
  const value = options.get(name)
  return typeof value === 'string' ? value : undefined
}

/**
 * The one FILE a command takes, or null after printing "Give one file." and the usage (the command then exits 2).
 *
 * @example const file = oneFileArgument(positional, this.usage, output); if (file === null) return 2
 */
export function oneFileArgument(positional: readonly string[], usage: string, output: CommandOutput): string | null {
  if (positional.length === 1) return positional[0] as string
  output.err(`Give one file.\n\n${usage}`)
  return null
}

/**
 * The operating-system user running the command, for the audit trail; null where the system has no name for them
 * (some containers have no passwd entry for the user).
 */
export function operatingSystemUser(): string | null {
  try {
    return os.userInfo().username
  } catch {
    return null
  }
}

/** Who runs an import from the command line when no `--actor` is given: `cli:<user name>`. */
export function defaultCommandActor(): string {
  return `cli:${operatingSystemUser() ?? process.env.USER ?? 'unknown'}`
}

/**
 * What a command needs to work in one partnership: finding it by what a person types, and its services (src/main.ts
 * passes the composition's `partnerships` and `forPartnership`).
 */
export interface PartnershipChoice<P> {
  readonly partnerships: { resolve(reference: string | null | undefined): Promise<unknown> }
  // Method syntax on purpose: the composition's `forPartnership` takes the partnership `resolve` found.
  forPartnership(partnership: unknown): P
}

/**
 * The services of the partnership a command works on: `--partnership` (its ONS code, short name, name or number), or
 * the instance's only partnership. Null after printing why (the command then exits 2).
 *
 * @example const partnership = await partnershipOption(services, options, output); if (!partnership) return 2
 */
export async function partnershipOption<P>(
  services: PartnershipChoice<P>,
  options: ReadonlyMap<string, string | true>,
  output: CommandOutput,
): Promise<P | null> {
  const given = options.get('partnership')
  if (given === true) {
    output.err('--partnership needs the partnership’s ONS code, short name or name')
    return null
  }
  try {
    return services.forPartnership(await services.partnerships.resolve(given))
  } catch (error) {
    output.err((error as Error).message)
    return null
  }
}
