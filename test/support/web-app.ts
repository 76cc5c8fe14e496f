import assert from 'node:assert/strict'
import type { Express } from 'express'
import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { demoUsers } from '../../src/accounts/demo-users.ts'
import type { Role } from '../../src/accounts/roles.ts'
import { TestBrowser } from '../../src/accounts/web/test-client.ts'
import { createServices, type Services } from '../../src/composition-root.ts'
import { loadConfig } from '../../src/config.ts'
import type { DialectName } from '../../src/db/database.ts'
import { createApp } from '../../src/web/app.ts'
import { openTestDatabase } from './databases.ts'

/** A web application listening on an ephemeral port of 127.0.0.1 for a test. */
export interface TestServer {
  readonly server: Server
  /** `http://127.0.0.1:<port>` */
  readonly base: string
  /** Ends open connections (a test's browser keeps them alive) and stops listening. */
  close(): Promise<void>
}

/** Serves an Express application on an ephemeral port until `close`. */
export async function serveForTest(app: Express): Promise<TestServer> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** The whole application (src/web/app.ts over createServices) with the demo data, for tests over HTTP. */
export interface RunningApp {
  readonly services: Services
  readonly server: Server
  readonly base: string
  /** The instance's own data directory (uploads, lookups), when asked for; removed on stop. */
  readonly dataDirectory: string | undefined
  /** A browser signed in (password only) as the demo user of this role. */
  signedIn(role: Role): Promise<TestBrowser>
  stop(): Promise<void>
}

export interface DemoAppOptions {
  /** Settings over the test's own (NODE_ENV=test, SAFERHUB_DEMO=true), e.g. `{ SAFERHUB_TWO_STEP: 'required' }`. */
  readonly env?: Readonly<Record<string, string>>
  /** Give the instance a data directory of its own under the system's temporary folder, with this name prefix. */
  readonly dataDirectoryPrefix?: string
}

/**
 * Starts the application over a fresh migrated database (see openTestDatabase) with the demo data and its demo
 * users, quiet (no log lines), on an ephemeral port.
 */
export async function startDemoApp(dialect: DialectName = 'sqlite', options: DemoAppOptions = {}): Promise<RunningApp> {
  const dataDirectory =
    options.dataDirectoryPrefix === undefined
      ? undefined
      : await mkdtemp(path.join(os.tmpdir(), options.dataDirectoryPrefix))
  const database = await openTestDatabase(dialect)
  const config = loadConfig({
    NODE_ENV: 'test',
    SAFERHUB_DEMO: 'true',
    ...(dataDirectory === undefined ? {} : { SAFERHUB_DATA_DIR: dataDirectory }),
    ...options.env,
  })
  const services = await createServices(config, { database })
  const listening = await serveForTest(createApp(services, { logger: { log: () => undefined } }))
  return {
    services,
    server: listening.server,
    base: listening.base,
    dataDirectory,
    async signedIn(role) {
      const user = demoUsers.find((u) => u.role === role)
      assert.ok(user, `a demo ${role}`)
      const browser = new TestBrowser(listening.base)
      assert.equal((await browser.signIn(user.email, user.password)).status, 303, `${role} signs in`)
      return browser
    },
    async stop() {
      await listening.close()
      await services.close()
      if (dataDirectory !== undefined) await rm(dataDirectory, { recursive: true, force: true })
    },
  }
}
