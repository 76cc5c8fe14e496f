import path from 'node:path'
import type { Config } from './config.ts'
import { openDatabase, type Database } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'

/**
 * The one place where the application is put together: the database first, then repositories over it,
 * then the services built from them. The web server and the command line both start here, so they
 * always share the same rules. Routes and commands never see a database client, only services.
 */
export async function createServices(config: Config) {
  const database: Database = openDatabase({
    databaseUrl: config.databaseUrl,
    sqliteFile: path.join(config.dataDirectory, 'saferhub.sqlite'),
  })
  await migrateToLatest(database)
  return {
    config,
    database,
    async close() {
      await database.close()
    },
  }
}

export type Services = Awaited<ReturnType<typeof createServices>>
