/**
 * What went wrong with the database, in the terms the person in front of the page or the command can act on. The web
 * application answers each with its own status (busy and unreachable: 503 with Retry-After; full: 507) and the command
 * line with one line, instead of a generic error page or a driver's message.
 *
 * - `busy`: SQLite's write lock stayed with another process (a command-line import, another copy of saferhub) for
 *   longer than the application waits for it. Nothing was written; it passes by itself.
 * - `unreachable`: the database cannot be reached, or the connection to it was lost during the request (PostgreSQL
 *   restarted or stopped; the SQLite file cannot be opened). A transaction that had not reached its commit was not
 *   committed; it passes when the database is back.
 * - `full`: the disk (or PostgreSQL's) is full. Nothing more can be written until someone frees space.
 */
export type DatabaseFailureKind = 'busy' | 'unreachable' | 'full'

/** Thrown when SQLite stays locked by another process for longer than the application waits for the lock. */
export class DatabaseBusyError extends Error {
  constructor(options?: { cause?: unknown }) {
    super(
      'The database is busy: another process (an import, or a second copy of saferhub) is writing to it. ' +
        'Nothing was written. Try again in a moment.',
      options,
    )
    this.name = 'DatabaseBusyError'
  }
}

/** SQLite: the disk is full (SQLite reports ENOSPC while writing as SQLITE_FULL). PostgreSQL: disk_full. */
const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', '53100'])

/**
 * Lost or refused connections. Node's socket errors; PostgreSQL's connection exceptions (class 08), the server
 * shutting down or restarting (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now: starting up or
 * shutting down) and too many connections (53300); SQLite's file that cannot be opened.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'SQLITE_CANTOPEN',
])

/**
 * node-postgres reports a connection that ended, or a client that can no longer be used, with a plain Error and no
 * code (pg 8 `lib/client.js`, pg-pool 3 `index.js`); these are its messages, matched whole.
 */
const UNREACHABLE_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Postgres connection has been discarded',
])

function codeOf(error: object): string | undefined {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

function kindOf(error: object): DatabaseFailureKind | null {
  if (error instanceof DatabaseBusyError) return 'busy'
  const code = codeOf(error)
  if (code !== undefined) {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy'
    if (FULL_CODES.has(code)) return 'full'
    if (UNREACHABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || code.startsWith('SQLITE_CANTOPEN')) {
      return 'unreachable'
    }
  }
  if (error instanceof Error && UNREACHABLE_MESSAGES.has(error.message)) return 'unreachable'
  return null
}

/**
 * Which database failure an error is, looking through its causes (a migration wraps the driver's error, an import
 * wraps SQLITE_BUSY) and an AggregateError's errors (Node's connection to every address of a host name); null when
 * it is not one (then it is a fault of the application, answered as such).
 *
 * @example databaseFailure(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })) // 'full'
 */
export function databaseFailure(error: unknown): DatabaseFailureKind | null {
  const seen = new Set<unknown>()
  const queue: unknown[] = [error]
  while (queue.length > 0 && seen.size < 20) {
    const next = queue.shift()
    if (next === null || typeof next !== 'object' || seen.has(next)) continue
    seen.add(next)
    const kind = kindOf(next)
    if (kind !== null) return kind
    if ('cause' in next) queue.push(next.cause)
    if (next instanceof AggregateError) queue.push(...(next.errors as unknown[]))
  }
  return null
}

/** The first line of the deepest message in an error's causes: the driver's own words, for an operator. */
function rootMessage(error: unknown): string {
  let current: unknown = error
  let message = ''
  for (let depth = 0; depth < 10 && current !== null && typeof current === 'object'; depth++) {
    if (current instanceof Error && current.message) message = current.message
    current = 'cause' in current ? current.cause : undefined
  }
  return (message.split('\n')[0] ?? '').trim()
}

/**
 * One line for the command line about a database failure: what happened, what became of the command's writes, and
 * what to do. The driver's message is kept in brackets for the operator (it names the host or the SQLite code, never
 * a password: pg's messages do not include the connection string).
 *
 * @example databaseFailureLine('full', error)
 * // 'The disk holding the database is full (database or disk is full): nothing was written. Free some space, then run the command again.'
 */
export function databaseFailureLine(kind: DatabaseFailureKind, error: unknown): string {
  const detail = rootMessage(error)
  const bracket = detail ? ` (${detail})` : ''
  switch (kind) {
    case 'busy':
      return new DatabaseBusyError().message
    case 'full':
      return `The disk holding the database is full${bracket}: nothing was written. Free some space, then run the command again.`
    case 'unreachable':
      return (
        `The database cannot be reached${bracket}: the command stopped, and what it was writing was not committed. ` +
        'Check that the database server is running, then run the command again.'
      )
  }
}
