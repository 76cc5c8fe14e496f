import type { CompiledQuery } from 'kysely'

/** Stands for a query's one argument while it is compiled: each call's own value takes its place. */
const ARGUMENT: unique symbol = Symbol('the query’s argument')

/**
 * A query asked on every page (the session, the person, their memberships, the partnership), compiled once and then
 * run with each call's own value: building a query through Kysely and compiling it cost more than SQLite running it
 * (a tenth of a dashboard view for its five reads; CPU profile, `npm run bench:web`). `compile` builds the query with
 * the argument given and compiles it on the executor it will run on (plugins, such as the partnership scope, apply
 * at compilation); the argument must reach the query only as bound values, never changing its text, which is why
 * a list (`in`) is not for this. The compiled text is kept for the life of the function; run it on the same executor.
 *
 * @example
 *   const byId = compiledOnce((id) => db.selectFrom('partnerships').selectAll().where('id', '=', id as number).compile())
 *   const rows = (await db.executeQuery(byId(7))).rows
 */
export function compiledOnce<R>(
  compile: (argument: unknown) => CompiledQuery<R>,
): (value: unknown) => CompiledQuery<R> {
  let compiled: CompiledQuery<R> | undefined
  return (value) => {
    if (compiled === undefined) {
      compiled = compile(ARGUMENT)
      if (!compiled.parameters.includes(ARGUMENT)) throw new Error('compiledOnce: the argument is not a bound value')
    }
    return { ...compiled, parameters: compiled.parameters.map((p) => (p === ARGUMENT ? value : p)) }
  }
}
