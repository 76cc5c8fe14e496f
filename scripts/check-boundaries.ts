/**
 * `npm run lint:boundaries`: the import rules between saferhub's folders (docs/architecture.md, "Boundaries").
 * The module rules are dependency-cruiser's, in .dependency-cruiser.cjs; this adds the one it cannot say, that no
 * two top-level folders of src/ import each other, even through others (its folder rules take every sub-folder as a
 * folder of its own, and a feature's sub-folders may lean on each other). src/db/schema.ts joining the features'
 * table declarations is the one exception, and those files are checked to be declarations only.
 */
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser'

const require = createRequire(import.meta.url)
const repository = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const configuration = require(path.join(repository, '.dependency-cruiser.cjs')) as IConfiguration

/** The features' table declarations, as the rule `tables-are-declarations` names them. */
function tableDeclarations(): RegExp {
  const rule = configuration.forbidden?.find((r) => r.name === 'tables-are-declarations')
  const pattern = rule?.from && 'path' in rule.from ? rule.from.path : undefined
  if (typeof pattern !== 'string') throw new Error('.dependency-cruiser.cjs has no rule tables-are-declarations')
  return new RegExp(pattern)
}

export interface BoundaryReport {
  /** One line per broken rule: the rule's name, then the import (or the cycle) that breaks it. */
  readonly problems: readonly string[]
  /** How many modules were read. */
  readonly modules: number
}

/** The top-level part of src/ a module belongs to: `src/crime` for src/crime/web/routes.ts, or a file at the top. */
function topLevel(file: string): string | null {
  const parts = file.split('/')
  if (parts[0] !== 'src' || parts.length < 2) return null
  return parts.length === 2 ? file : `src/${parts[1]}`
}

/** Strongly connected components with more than one member (Tarjan), each sorted, in a stable order. */
function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (node: string): void => {
    index.set(node, next)
    low.set(node, next)
    next++
    stack.push(node)
    onStack.add(node)
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number))
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number))
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop() as string
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node)
  return found.sort((a, b) => (a[0] as string).localeCompare(b[0] as string))
}

/**
 * Checks the import rules over `<baseDirectory>/src` (the repository by default; tests give a made-up tree).
 *
 * @example const { problems } = await checkBoundaries(); if (problems.length > 0) process.exitCode = 1
 */
export async function checkBoundaries(baseDirectory: string = repository): Promise<BoundaryReport> {
  const { output } = await cruise(['src'], {
    ...configuration.options,
    baseDir: baseDirectory,
    validate: true,
    ruleSet: { forbidden: configuration.forbidden ?? [] },
    outputType: 'json',
  })
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult
  const problems = result.summary.violations.map((v) =>
    v.cycle && v.cycle.length > 0
      ? `${v.rule.name}: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')}`
      : `${v.rule.name}: ${v.from} → ${v.to}`,
  )

  // The folders' graph, with one import kept as the example of each folder's dependency on another.
  const tables = tableDeclarations()
  const graph = new Map<string, Set<string>>()
  const example = new Map<string, string>()
  for (const module of result.modules) {
    const from = topLevel(module.source)
    if (from === null) continue
    for (const dependency of module.dependencies) {
      if (dependency.coreModule || dependency.couldNotResolve) continue
      const to = topLevel(dependency.resolved)
      if (to === null || to === from) continue
      if (from === 'src/db' && tables.test(dependency.resolved)) continue
      if (!graph.has(from)) graph.set(from, new Set())
      graph.get(from)?.add(to)
      if (!example.has(`${from} ${to}`)) example.set(`${from} ${to}`, `${module.source} → ${dependency.resolved}`)
    }
  }
  for (const component of cycles(graph)) {
    const members = new Set(component)
    const edges = component.flatMap((from) =>
      [...(graph.get(from) ?? [])].filter((to) => members.has(to)).map((to) => example.get(`${from} ${to}`)),
    )
    problems.push(`no-folder-cycles: ${component.join(', ')} import each other (${edges.join('; ')})`)
  }
  return { problems, modules: result.modules.length }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { problems, modules } = await checkBoundaries()
  for (const problem of problems) process.stderr.write(`${problem}\n`)
  if (problems.length > 0) {
    process.stderr.write(`${problems.length} import(s) break the boundaries (docs/architecture.md, "Boundaries")\n`)
    process.exitCode = 1
  } else process.stdout.write(`Boundaries kept: ${modules} modules, no folder cycles\n`)
}
