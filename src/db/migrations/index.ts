import type { Migration } from 'kysely'

/**
 * Every migration, in the order it runs. Each feature adds its own file; names sort by their number.
 * One set serves SQLite and PostgreSQL (see ../schema-builder.ts).
 */
export const migrations: Record<string, Migration> = {}
