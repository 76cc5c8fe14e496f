import { Migrator, type Migration, type MigrationProvider } from 'kysely'
import type { Database } from './database.ts'
import { migrations } from './migrations/index.ts'

/** The migrations are listed in code (not read from a folder) so that they run the same under tsx and in tests. */
const provider: MigrationProvider = {
  getMigrations: async () => migrations as Record<string, Migration>,
}

/** Brings the schema up to date; safe to run on every start. */
export async function migrateToLatest(database: Database): Promise<void> {
  const migrator = new Migrator({ db: database.db, provider })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error })
  }
}
