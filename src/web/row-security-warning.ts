import type { Database } from '../db/database.ts'
import { rowSecurityBypass } from '../db/row-security.ts'
import type { Logger } from './logger.ts'

/**
 * At start, on PostgreSQL: a warning when the role the server connected as is not subject to row-level security (a
 * superuser, or a role with BYPASSRLS), because then the second tenancy wall (migration 0014) does not hold and only
 * the application's own filter keeps partnerships apart. A warning, not a refusal: a developer's local PostgreSQL is
 * often reached as its superuser, and the application's wall still holds. Returns whether it warned.
 *
 * @example
 *   await warnWhenRowSecurityIsBypassed(services.database, jsonLogger())
 *   // {"level":"warn","message":"Row-level security does not apply: the database role postgres is a superuser …"}
 */
export async function warnWhenRowSecurityIsBypassed(database: Database, logger: Logger): Promise<boolean> {
  const reason = await rowSecurityBypass(database.db, database.dialect)
  if (reason === null) return false
  logger.log(
    'warn',
    `Row-level security does not apply: ${reason}, so PostgreSQL does not keep partnerships' rows apart. ` +
      'Connect as an ordinary role (NOSUPERUSER NOBYPASSRLS): see "PostgreSQL" in the README.',
    { event: 'row-security-bypassed' },
  )
  return true
}
