import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Services } from '../composition-root.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { can, type Action, type Principal } from '../accounts/permissions.ts'
import { TestBrowser, type TestResponse } from '../accounts/web/test-client.ts'
import { createApp } from './app.ts'
import { routeManifest, type RouteAccess } from './route-manifest.ts'
import { declaredRoutes } from './route-table.ts'
import { createUploadStore } from '../imports-web/upload-store.ts'
import { seedMatrixBoard } from '../board/testing/board-fixtures.ts'
import { seedMatrixActions } from '../plan/testing/action-fixtures.ts'
import { seedMatrixMeeting } from '../board/testing/meeting-fixtures.ts'

/**
 * The authorisation matrix: every route of the manifest × every role (the demo users, plus a data owner of a
 * second agency) × an object of agency A and of agency B, each request sent with that user's session (and the
 * session's CSRF token for a POST). The status must be what `can()` says: allowed → neither 401, 403 nor 404;
 * refused → 403 (404 for another agency's object: no existence oracle); nobody signed in → the sign-in page (401
 * for a POST or the API). A route the app serves that the manifest does not list fails the test.
 */

/** Agency A: the demo data owner's. Agency B: a second agency whose data owner this test creates. */
const AGENCY_A = 'WMP'
const AGENCY_B = 'YOT'
const SECOND_OWNER = { email: 'yot-owner@example.org', password: 'willow-granite-lantern-ninety' }

/** Strings only the agency's own records carry: neither may ever reach the other agency's data owner. */
const CANARIES: Readonly<Record<string, string>> = { [AGENCY_A]: 'CANARY-7f3a-WMP', [AGENCY_B]: 'CANARY-91c2-YOT' }

interface Who {
  readonly label: string
  /** Null: nobody signed in. */
  readonly principal: (Principal & { readonly id: number }) | null
  readonly credentials: { readonly email: string; readonly password: string } | null
  browser: TestBrowser
  csrf: string
}

interface World extends RunningApp {
  readonly agencyIds: Readonly<Record<string, number>>
  readonly people: Who[]
  /** Values for `{placeholder}`s in the manifest's samples. */
  readonly placeholders: Readonly<Record<string, string>>
  /** Who made the objects of `personal` routes. */
  readonly personalObjectOwner: number
  /** Canaries actually stored: the test says which it could seed. */
  readonly seededCanaries: readonly string[]
  /** The one person holding the death review register (the demo administrator). */
  readonly registerHolder: number
}

async function csrfOf(browser: TestBrowser, signedIn: boolean): Promise<string> {
  return browser.csrfTokenOf(signedIn ? '/sign-out' : '/sign-in')
}

async function signIn(base: string, credentials: { email: string; password: string }): Promise<TestBrowser> {
  const browser = new TestBrowser(base)
  const response = await browser.signIn(credentials.email, credentials.password)
  assert.equal(response.status, 303, `${credentials.email} signs in`)
  return browser
}

async function startWorld(dialect: 'sqlite' | 'postgres'): Promise<World> {
  const app = await startDemoApp(dialect, { dataDirectoryPrefix: 'saferhub-matrix-' })
  const { services, base, dataDirectory } = app
  assert.ok(dataDirectory)

  const system = { system: 'authorisation-matrix-test' }
  const agencies = await (await onlyPartnership(services)).accounts.listAgencies()
  const agencyIds = Object.fromEntries(agencies.map((a) => [a.code, a.id]))
  const agencyB = agencyIds[AGENCY_B]
  assert.ok(agencyIds[AGENCY_A] && agencyB, 'both agencies exist')

  // A data owner of agency B, through the real journey: one-time password, then their own.
  const added = await (
    await onlyPartnership(services)
  ).accounts.addUser(system, {
    email: SECOND_OWNER.email,
    name: 'Youth Offending Team data owner',
    role: 'data-owner',
    agencyId: agencyB,
  })
  assert.ok(added.ok && added.oneTimePassword !== null, JSON.stringify(added))
  const first = await signIn(base, { email: SECOND_OWNER.email, password: added.oneTimePassword })
  const token = await first.csrfTokenOf('/account/change-password')
  const changed = await first.post('/account/change-password', {
    _csrf: token,
    currentPassword: added.oneTimePassword,
    newPassword: SECOND_OWNER.password,
    confirmPassword: SECOND_OWNER.password,
  })
  assert.equal(changed.status, 303, 'the second data owner chooses a password')

  // The user the administration routes act on, so that disabling or resetting touches nobody the test signs in as.
  const target = await (
    await onlyPartnership(services)
  ).accounts.addUser(system, {
    email: 'matrix-target@example.org',
    name: 'Matrix Target',
    role: 'viewer',
    agencyId: null,
  })
  assert.ok(target.ok)

  // An API token whose "issued" and "revoke" pages the token administration routes show.
  const apiToken = await (
    await onlyPartnership(services)
  ).accounts.createApiToken(system, {
    agencyId: agencyIds[AGENCY_A] ?? 0,
    name: 'matrix',
  })
  assert.ok(apiToken.ok, JSON.stringify(apiToken))

  // A commissioned service whose provider reports through agency A (the demo's own are YOT's or no agency's):
  // `MATRIX-WMP` in the manifest's samples for the services' pages.
  const commissioning = (await onlyPartnership(services)).commissioning
  const commissioner = { role: 'administrator' as const, agencyId: null, email: 'matrix@example.org' }
  const provider = await commissioning.addProvider(commissioner, {
    name: 'Matrix provider',
    agencyId: String(agencyIds[AGENCY_A]),
  })
  assert.ok(provider.ok, JSON.stringify(provider))
  const service = await commissioning.addService(commissioner, {
    reference: 'MATRIX-WMP',
    title: 'Matrix service',
    providerId: String(provider.value.id),
    agreement: 'grant',
  })
  assert.ok(service.ok, JSON.stringify(service))

  const users = await (await onlyPartnership(services)).accounts.listUsers(system)
  // An import upload awaiting confirmation, made by the analyst: personal to them (see `personal` in the manifest).
  const analyst = users.find((u) => u.role === 'partnership-analyst')
  assert.ok(analyst, 'the demo analyst exists')
  const receivedFile = path.join(dataDirectory, 'received-values.csv')
  await writeFile(receivedFile, 'indicator,period,value\r\nknife-crime,FY2017-18-Q3,56\r\n')
  const upload = await createUploadStore(dataDirectory).save(
    { partnershipId: (await onlyPartnership(services)).partnership.id, userId: analyst.id },
    [{ name: 'values.csv', path: receivedFile }],
    new Date(),
  )
  const people: Who[] = []
  for (const credentials of [...demoUsers, SECOND_OWNER]) {
    const user = users.find((u) => u.email === credentials.email)
    assert.ok(user, `${credentials.email} exists`)
    const browser = await signIn(base, credentials)
    people.push({
      label: `${user.role}${user.agency ? ` (${user.agency.code})` : ''}`,
      principal: { id: user.id, role: user.role, agencyId: user.agencyId },
      credentials,
      browser,
      csrf: await csrfOf(browser, true),
    })
  }
  const anonymous = new TestBrowser(base)
  people.push({ label: 'signed out', principal: null, credentials: null, browser: anonymous, csrf: '' })

  for (const who of people) if (!who.credentials) who.csrf = await csrfOf(who.browser, false)
  const seededCanaries = await seedCanaries(services, agencyIds)
  // The demo's strategy (src/plan/strategy-demo.ts), its first priority and that priority's first delivery priority.
  const plan = (await onlyPartnership(services)).strategy.strategies
  const demoStrategy = await plan.detail((await plan.list())[0]?.id ?? 0)
  const firstPriority = demoStrategy?.priorities[0]
  assert.ok(
    demoStrategy && firstPriority?.delivery[0],
    'the demo has a strategy with priorities and delivery priorities',
  )
  const actions = await seedMatrixActions(await onlyPartnership(services), agencyIds[AGENCY_A] ?? 0, agencyB)
  const board = await seedMatrixBoard((await onlyPartnership(services)).board)
  const partnershipServices = await onlyPartnership(services)
  const meetings = await seedMatrixMeeting(partnershipServices.database, partnershipServices.meetings.service)
  return {
    ...app,
    agencyIds,
    people,
    placeholders: {
      user: String(target.user.id),
      apiToken: String(apiToken.apiToken.id),
      upload: upload.id,
      agency: String(agencyIds[AGENCY_A]),
      strategy: String(demoStrategy.strategy.id),
      priority: String(firstPriority.id),
      deliveryPriority: String(firstPriority.delivery[0].id),
      actionA: String(actions.a),
      actionB: String(actions.b),
      boardGroup: String(board.group),
      boardMember: String(board.member),
      ...meetings,
    },
    personalObjectOwner: analyst.id,
    seededCanaries,
    registerHolder: users.find((u) => u.email === 'admin@example.org')?.id ?? 0,
  }
}

/**
 * Puts each agency's canary where only that agency (and the partnership's reviewers) may read it: as the reason on
 * a draft return for 2017/18 Q4 (a KPI each agency owns in the demo data), saved through the returns service as that
 * agency's data owner would.
 */
async function seedCanaries(services: Services, agencyIds: Readonly<Record<string, number>>): Promise<string[]> {
  const kpiOf: Record<string, string> = { [AGENCY_A]: 'godoc-active-gang-members', [AGENCY_B]: 'first-time-entrants' }
  const seeded: string[] = []
  for (const [agency, canary] of Object.entries(CANARIES)) {
    const agencyId = agencyIds[agency] as number
    const kpi = kpiOf[agency] as string
    const owner = { role: 'data-owner' as const, agencyId, email: `canary-${agency}@example.org` }
    const saved = await (
      await onlyPartnership(services)
    ).returns.saveReturn(owner, 'FY2017-18-Q4', agencyId, {
      version: null,
      intent: 'save',
      fields: { [`${kpi}-status`]: 'not-yet-available', [`${kpi}-reason`]: canary },
    })
    assert.equal(saved.kind, 'saved', `${agency}'s canary draft is stored: ${JSON.stringify(saved)}`)
    seeded.push(canary)
  }
  return seeded
}

type Expectation = 'allowed' | 'forbidden' | 'hidden' | 'anonymous'

/** What the policy says this person may do with this route for an object of `agencyId`. */
function expectationFor(route: RouteAccess, who: Who, agencyId: number | null, world: World): Expectation {
  if (route.access === 'public') return 'allowed'
  if (who.principal === null) return 'anonymous'
  // The death review register's compartment: outside it (whatever the role) the route does not exist. Only the demo
  // administrator holds the register; none of these people is named on a case.
  if (route.compartment === 'register') return who.principal.id === world.registerHolder ? 'allowed' : 'hidden'
  if (route.compartment) return can(who.principal, route.access as Action) ? 'allowed' : 'hidden'
  if (route.access === 'signed-in') return 'allowed'
  if (route.access === 'instance-administrator') {
    return 'instanceAdministrator' in who.principal && who.principal.instanceAdministrator ? 'allowed' : 'hidden'
  }
  const resource = agencyId === null ? {} : { agencyId }
  if (can(who.principal, route.access, resource)) {
    // Someone else's personal object does not exist for them, permission or not.
    return route.personal && who.principal.id !== world.personalObjectOwner ? 'hidden' : 'allowed'
  }
  // Refused here but allowed for an object of their own agency: another agency's object, which for an
  // agency-scoped route does not exist for them.
  if (route.agencyScoped && can(who.principal, route.access, { agencyId: who.principal.agencyId })) return 'hidden'
  // A page of every agency's objects, for someone allowed their own agency's only: it does not exist for them.
  if (route.wholePartnership && can(who.principal, route.access, { agencyId: who.principal.agencyId })) return 'hidden'
  return 'forbidden'
}

function isApi(route: RouteAccess): boolean {
  return route.api === true || route.path === '/api' || route.path.startsWith('/api/')
}

/** The concrete paths to request for a route: own (agency A) and, for agency-scoped routes, other (agency B). */
function samplePaths(route: RouteAccess, world: World): { path: string; agency: string | null }[] | string {
  const fill = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = world.placeholders[name]
      if (value === undefined) throw new Error(`No value for {${name}} in ${route.method} ${route.path}`)
      return value
    })
  const hasParameters = /[:*]/.test(route.path)
  if (route.agencyScoped && (!route.sample?.own || !route.sample.other)) {
    return `${route.method} ${route.path} is agency-scoped: give it sample.own (agency ${AGENCY_A}) and sample.other (agency ${AGENCY_B})`
  }
  if (route.sample?.own && route.sample.other) {
    return [
      { path: fill(route.sample.own), agency: AGENCY_A },
      { path: fill(route.sample.other), agency: AGENCY_B },
    ]
  }
  if (route.sample?.own) return [{ path: fill(route.sample.own), agency: null }]
  if (hasParameters) return `${route.method} ${route.path} has parameters: give it sample.own in the manifest`
  return [{ path: route.path, agency: null }]
}

async function send(route: RouteAccess, who: Who, path: string): Promise<TestResponse> {
  if (route.method === 'GET') return who.browser.get(path, isApi(route) ? { accept: 'application/json' } : {})
  if (isApi(route)) {
    return who.browser.request(path, {
      method: route.method,
      body: '{}',
      headers: { 'content-type': 'application/json', 'x-csrf-token': who.csrf },
    })
  }
  // An empty form: enough to pass authorisation, never enough to change anything that matters.
  return who.browser.post(path, { _csrf: who.csrf })
}

/** A POST may have ended the session (sign-out): sign in again so the next row is asked as the same person. */
async function keepSignedIn(world: World, who: Who): Promise<void> {
  if (!who.credentials) {
    who.csrf = await csrfOf(who.browser, false)
    return
  }
  const probe = await who.browser.get('/account')
  if (probe.status === 200) return
  who.browser = await signIn(world.base, who.credentials)
  who.csrf = await csrfOf(who.browser, true)
}

function judge(expected: Expectation, route: RouteAccess, response: TestResponse): string | null {
  const status = response.status
  const location = response.headers.get('location') ?? ''
  if (status >= 500) return `server error ${status}`
  switch (expected) {
    case 'allowed':
      if ([401, 403, 404].includes(status)) return `allowed, but ${status}`
      if (route.access !== 'public' && status >= 300 && status < 400 && location.startsWith('/sign-in')) {
        return `allowed, but sent to ${location}`
      }
      return null
    case 'forbidden':
      if (status === 403 || (route.agencyScoped && status === 404)) return null
      return `refused by the policy, but ${status}`
    case 'hidden':
      return status === 404 ? null : `another agency's object, but ${status} (expected 404)`
    case 'anonymous':
      if (isApi(route) || route.method !== 'GET') return status === 401 ? null : `signed out, but ${status}`
      if (status === 303 && location.startsWith('/sign-in')) return null
      return `signed out, but ${status} ${location}`
  }
}

for (const dialect of testDialects()) {
  describe(`authorisation matrix (${dialect})`, () => {
    let world: World
    before(async () => {
      world = await startWorld(dialect)
    })
    after(() => world.stop())

    it('lists every route the application serves in the route manifest, and nothing it does not serve', () => {
      const app = createApp(world.services, { logger: { log: () => {} } })
      const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`
      const declared = new Set(declaredRoutes(app).map(key))
      const listed = new Set(routeManifest.map(key))
      assert.deepEqual(
        [...declared].filter((r) => !listed.has(r)),
        [],
        'routes missing from src/web/route-manifest.ts',
      )
      assert.deepEqual(
        [...listed].filter((r) => !declared.has(r)),
        [],
        'manifest lines for routes the app does not serve',
      )
      assert.equal(listed.size, routeManifest.length, 'no route is listed twice')
    })

    it('answers every route, for every role and agency, as the permission policy says', async () => {
      const failures: string[] = []
      let requests = 0
      for (const route of routeManifest) {
        let samples: ReturnType<typeof samplePaths>
        try {
          samples = samplePaths(route, world)
        } catch (error) {
          samples = error instanceof Error ? error.message : String(error)
        }
        if (typeof samples === 'string') {
          failures.push(samples)
          continue
        }
        for (const who of world.people) {
          for (const sample of samples) {
            const agencyId = sample.agency === null ? null : (world.agencyIds[sample.agency] ?? null)
            const expected = expectationFor(route, who, agencyId, world)
            const response = await send(route, who, sample.path)
            requests++
            const problem = judge(expected, route, response)
            if (problem) failures.push(`${route.method} ${sample.path} as ${who.label}: ${problem}`)
            // No agency's canary in a response to another agency's data owner.
            const own = who.principal?.role === 'data-owner' ? who.label.match(/\((\w+)\)/)?.[1] : undefined
            if (own) {
              const body = await response.text()
              for (const [agency, canary] of Object.entries(CANARIES)) {
                if (agency !== own && body.includes(canary)) {
                  failures.push(`${route.method} ${sample.path} as ${who.label}: shows agency ${agency}'s data`)
                }
              }
            }
            if (route.method !== 'GET') await keepSignedIn(world, who)
          }
        }
      }
      assert.deepEqual(failures, [], `${failures.length} of ${requests} requests broke the policy`)
      // Every route × 7 people at least: the matrix was really walked.
      assert.ok(requests >= routeManifest.length * world.people.length)
    })

    it("seeded each agency's canary where that agency's own data owner does see it (so the leak check can fail)", async () => {
      assert.deepEqual(world.seededCanaries, Object.values(CANARIES))
      const owner = world.people.find((p) => p.label === `data-owner (${AGENCY_A})`)
      assert.ok(owner)
      const page = await (await owner.browser.get(`/returns/FY2017-18-Q4/${AGENCY_A}`)).text()
      assert.ok(page.includes(CANARIES[AGENCY_A] as string), "agency A's canary on its own return page")
    })

    it('the data owners really belong to different agencies, and the matrix asks both', () => {
      const owners = world.people.filter((p) => p.principal?.role === 'data-owner')
      assert.deepEqual(owners.map((o) => o.label).sort(), [`data-owner (${AGENCY_A})`, `data-owner (${AGENCY_B})`])
      assert.notEqual(owners[0]?.principal?.agencyId, owners[1]?.principal?.agencyId)
    })
  })
}
