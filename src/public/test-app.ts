import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../composition-root.ts'
import { openTestDatabase } from '../../test/support/databases.ts'
import { createApp } from '../web/app.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import type { Role } from '../accounts/roles.ts'

/** The app over an in-memory database with the demo data, for the dashboard, KPI and public pages' tests. */
export interface RunningApp {
  readonly services: Services
  readonly server: Server
  readonly base: string
  /** A browser signed in as the demo user of this role. */
  signedIn(role: Role): Promise<TestBrowser>
  stop(): Promise<void>
}

export async function startDemoApp(dialect: 'sqlite' | 'postgres' = 'sqlite'): Promise<RunningApp> {
  const database = await openTestDatabase(dialect)
  const services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
  const server = createApp(services, { logger: { log: () => undefined } }).listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    services,
    server,
    base,
    async signedIn(role) {
      const user = demoUsers.find((u) => u.role === role)
      assert.ok(user, `a demo ${role}`)
      const browser = new TestBrowser(base)
      assert.equal((await browser.signIn(user.email, user.password)).status, 303, `${role} signs in`)
      return browser
    },
    async stop() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await services.close()
    },
  }
}
