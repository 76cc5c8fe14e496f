import fs from 'node:fs'
import path from 'node:path'
import express from 'express'
import { sql } from 'kysely'
import type { Database } from '../db/database.ts'
import { webDirectory } from '../shared/web/paths.ts'

function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(webDirectory, '..', '..', 'package.json'), 'utf8')) as {
    version?: string
  }
  return pkg.version ?? 'unknown'
}

/**
 * `/ping` (the process is up: "pong"), `/health` (the database answers: 200, or 503 when it does not) and `/info`
 * (name and version). None of them says anything a stranger could use: no configuration, no error text.
 */
export function setUpHealthChecks(database: Database): express.Router {
  const router = express.Router()
  const version = packageVersion()
  router.get('/ping', (_req, res) => {
    res.type('text/plain').send('pong')
  })
  router.get('/health', async (_req, res) => {
    const databaseUp = await sql`select 1`.execute(database.db).then(
      () => true,
      () => false,
    )
    // A load balancer or monitor told when to look again, as every 503 of the application says.
    if (!databaseUp) res.setHeader('Retry-After', '10')
    res.status(databaseUp ? 200 : 503).json({
      status: databaseUp ? 'UP' : 'DOWN',
      components: { database: { status: databaseUp ? 'UP' : 'DOWN' } },
    })
  })
  router.get('/info', (_req, res) => {
    res.json({ name: 'saferhub', version })
  })
  return router
}
