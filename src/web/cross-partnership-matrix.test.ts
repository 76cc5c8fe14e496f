import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { PartnershipServices } from '../composition-root.ts'
import { testDialects } from '../../test/support/databases.ts'
import { addUserWithPassword } from '../../test/support/accounts.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { User } from '../accounts/account-repository.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { roleNeedsAgency, roles, type Role } from '../accounts/roles.ts'
import { TestBrowser, type TestResponse } from '../accounts/web/test-client.ts'
import { createUploadStore } from '../imports-web/upload-store.ts'
import { commentaryHash } from '../public/commentary-review.ts'
import { routeManifest, type RouteAccess } from './route-manifest.ts'
import { seedMatrixMeeting } from '../board/testing/meeting-fixtures.ts'
import { seedMatrixActions } from '../plan/testing/action-fixtures.ts'
import { seedMatrixBoard } from '../board/testing/board-fixtures.ts'

/**
 * No leaks across partnerships, proved over every route of the manifest and every role of src/accounts/roles.ts (a
 * role added there is covered at once). Two partnerships in one instance — the demo's (A, Wolverhampton, 2017/18)
 * and Northshire (B, 2024/25) — each with a canary string in four places: a figure's commentary, a data owner's
 * return, a reviewer's reworded commentary and an upload awaiting confirmation. Three checks:
 *
 * 1. Other partnership's objects: every route with parameters, asked at A's address with B's object ids (a user, an
 *    API token, an upload, an agency, a KPI, an agency's return) answers exactly as it does for an object that does
 *    not exist, for every role of A and for nobody signed in; and B's data is not changed by any of it.
 * 2. Other partnership's address: every partnership route at `/p/<B>` is 404 for each of A's people.
 * 3. Crawl: every GET page, export and API response of each partnership, as each of its people, its API token and
 *    nobody signed in, never holds the other partnership's canaries — and holds each of its own somewhere, so that
 *    the check could fail.
 *
 * One server per database, shared by the three checks.
 */

const CANARY_KINDS = ['figure', 'return', 'review', 'upload'] as const
type CanaryKind = (typeof CANARY_KINDS)[number]
const canariesOf = (tag: string): Record<CanaryKind, string> => ({
  figure: `CANARY-${tag}-FIGURE-c41e`,
  return: `CANARY-${tag}-RETURN-7d02`,
  review: `CANARY-${tag}-REVIEW-e95b`,
  upload: `CANARY-${tag}-UPLOAD-31fa`,
})
const CANARIES = { A: canariesOf('WOLVES'), B: canariesOf('NORTHSHIRE') } as const

/** The routes of the instance itself (no `/p/<slug>` form): signing in, one's account, the partnerships list. */
const INSTANCE_ROUTE = /^\/(assets|ping|health|info|sign-in|sign-out|account|admin\/partnerships|admin\/audit)(\/|$)/

/** A partnership's objects, as they are put into a route's sample path in place of the demo's. */
interface Objects {
  readonly placeholders: Readonly<
    Record<
      | 'user'
      | 'apiToken'
      | 'upload'
      | 'agency'
      | 'strategy'
      | 'priority'
      | 'deliveryPriority'
      | 'actionA'
      | 'actionB'
      | 'boardGroup'
      | 'boardMember'
      | 'meeting'
      | 'decision'
      | 'meetingAction',
      string
    >
  >
  /** Replaces every demo KPI id in a sample (null: keep them). */
  readonly kpi: string | null
  /** Replaces the agency code of a return's address (null: keep it). */
  readonly agencyCode: string | null
  /** Replaces the demo's year 2017-18 (null: keep it). */
  readonly year: string | null
}

interface Person {
  readonly label: string
  readonly credentials: { readonly email: string; readonly password: string } | null
  readonly bearer?: string
  browser: TestBrowser
  csrf: string
}

interface Side {
  readonly slug: string
  readonly services: PartnershipServices
  readonly objects: Objects
  readonly people: Person[]
  readonly canaries: Record<CanaryKind, string>
  /** An upload its own analyst made there (the crawl's preview page shows its canary file name). */
  readonly ownUpload: string
}

interface World extends RunningApp {
  readonly A: Side
  readonly B: Side
  /** Objects that exist in neither partnership (the answer a leak must look like). */
  readonly missing: Objects
  /** A's analyst, also a member of B: the person for whom the partnership, not the user, must keep objects apart. */
  readonly dualMember: string
}

const DEMO_KPIS = /\b(knife-crime|proven-reoffending|first-time-entrants|youth-custody)\b/g

/** The concrete path of a route for these objects; null for a route with parameters and no sample. */
function concretePath(route: RouteAccess, objects: Objects): string | null {
  const template = route.sample?.own ?? (/[:*]/.test(route.path) ? null : route.path)
  if (template === null) return null
  let result = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = objects.placeholders[name as keyof Objects['placeholders']]
    if (value === undefined) throw new Error(`No value for {${name}} in ${route.method} ${route.path}`)
    return value
  })
  if (objects.kpi !== null) result = result.replace(DEMO_KPIS, objects.kpi)
  if (objects.agencyCode !== null) result = result.replace(/\/(WMP|YOT)(?=\/|$)/g, `/${objects.agencyCode}`)
  if (objects.year !== null) result = result.replace(/2017-18/g, objects.year)
  return result
}

/**
 * A partnership's strategy, its first priority and that priority's first delivery priority, as placeholders: the
 * demo's (A), or a draft made here (B).
 */
async function strategyObjects(side: PartnershipServices, make: boolean) {
  const plan = side.strategy.strategies
  if (make) {
    const made = await plan.createStrategy('test', {
      title: 'Northshire strategy',
      firstYear: 'FY2024-25',
      lastYear: 'FY2026-27',
      summary: '',
    })
    assert.equal(made.outcome, 'done')
    const id = (made as { value: { id: number } }).value.id
    const priority = await plan.addPriority('test', id, { name: 'Burglary', description: '' })
    assert.equal(priority.outcome, 'done')
    const priorityId = (priority as { value: { id: number } }).value.id
    assert.equal(
      (
        await plan.addDeliveryPriority('test', priorityId, {
          year: 'FY2024-25',
          name: 'Target hardening',
          description: '',
        })
      ).outcome,
      'done',
    )
  }
  const detail = await plan.detail((await plan.list())[0]?.id ?? 0)
  const first = detail?.priorities[0]
  assert.ok(detail && first?.delivery[0], 'a strategy with a priority and a delivery priority')
  return {
    strategy: String(detail.strategy.id),
    priority: String(first.id),
    deliveryPriority: String(first.delivery[0].id),
  }
}

const isApi = (route: RouteAccess) => route.api === true || route.path.startsWith('/api')
const isInstanceRoute = (route: RouteAccess) => INSTANCE_ROUTE.test(route.path)

async function signIn(base: string, credentials: { email: string; password: string }): Promise<Person> {
  const browser = new TestBrowser(base)
  assert.equal((await browser.signIn(credentials.email, credentials.password)).status, 303, credentials.email)
  return { label: credentials.email, credentials, browser, csrf: await browser.csrfTokenOf('/sign-out') }
}

async function send(route: RouteAccess, who: Person, target: string): Promise<TestResponse> {
  const headers: Record<string, string> = {}
  if (who.bearer) headers.authorization = `Bearer ${who.bearer}`
  if (route.method === 'GET') {
    return who.browser.get(target, isApi(route) ? { ...headers, accept: 'application/json' } : headers)
  }
  if (isApi(route)) {
    return who.browser.request(target, {
      method: route.method,
      body: '{}',
      headers: { ...headers, 'content-type': 'application/json', 'x-csrf-token': who.csrf },
    })
  }
  return who.browser.post(target, { _csrf: who.csrf }, headers)
}

/** A's people: one per role of roles.ts (the demo's user where there is one), and A's own data owner's agency. */
async function peopleOf(
  app: RunningApp,
  scoped: PartnershipServices,
  tag: string,
  agencyId: number,
  useDemoUsers: boolean,
): Promise<{ people: Person[]; users: Map<Role, User> }> {
  const people: Person[] = []
  const users = new Map<Role, User>()
  for (const [index, role] of roles.entries()) {
    const demo = useDemoUsers ? demoUsers.find((u) => u.role === role) : undefined
    const credentials = demo ?? { email: `${role}@${tag}.example`, password: `lantern-quarry-thimble-${index}-${tag}` }
    if (!demo) {
      await addUserWithPassword(scoped.accounts, {
        email: credentials.email,
        role,
        agencyId: roleNeedsAgency(role) ? agencyId : null,
        password: credentials.password,
      })
    }
    const user = await scoped.accounts.repository.findUserByEmail(credentials.email)
    assert.ok(user, credentials.email)
    users.set(role, user)
    const person = await signIn(app.base, credentials)
    people.push({ ...person, label: `${tag} ${role}` })
  }
  const anonymous = new TestBrowser(app.base)
  people.push({
    label: `${tag} signed out`,
    credentials: null,
    browser: anonymous,
    csrf: await anonymous.csrfTokenOf('/sign-in'),
  })
  return { people, users }
}

/** The canary review: the reviewer publishes a reworded version (the canary) of a flagged commentary. */
async function rewordCommentary(scoped: PartnershipServices, reviewer: User, year: string, kpi: string, text: string) {
  const report = await scoped.reports.performance.report(year)
  const row = report?.themes.flatMap((t) => t.rows).find((r) => r.indicator.id === kpi)
  assert.ok(row?.ownerCommentary, `${kpi} has a data owner's commentary in ${year}`)
  const result = await scoped.publication.reviewCommentary(reviewer, year, kpi, {
    textHash: commentaryHash(row.ownerCommentary),
    decision: 'reword',
    publicText: text,
  })
  assert.equal(result.outcome, 'recorded', JSON.stringify(result))
}

async function startWorld(dialect: 'sqlite' | 'postgres'): Promise<World> {
  const app = await startDemoApp(dialect, { dataDirectoryPrefix: 'saferhub-cross-' })
  try {
    return await populate(app)
  } catch (error) {
    await app.stop() // a server left listening would keep the test process alive
    throw error
  }
}

async function populate(app: RunningApp): Promise<World> {
  const { services, dataDirectory } = app
  assert.ok(dataDirectory)
  const system = { system: 'cross-partnership-test' }
  const uploads = createUploadStore(dataDirectory)
  const uploadOf = async (partnershipId: number, userId: number, canary: string, body: string) => {
    const file = path.join(dataDirectory, `received-${canary}.csv`)
    await writeFile(file, body)
    return uploads.save({ partnershipId, userId }, [{ name: `${canary}.csv`, path: file }], new Date())
  }

  // A: the demo partnership.
  const demoPartnership = await services.partnerships.resolve(null)
  const A = services.forPartnership(demoPartnership)
  const agenciesA = await A.accounts.listAgencies()
  const wmp = agenciesA.find((a) => a.code === 'WMP')
  assert.ok(wmp)
  const a = await peopleOf(app, A, 'wolves', wmp.id, true)
  const adminA = a.users.get('administrator') as User
  const analystA = a.users.get('partnership-analyst') as User
  const importedA = await A.performance.importFiles(
    [
      {
        name: 'values.csv',
        content: Buffer.from(
          `indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\nknife-crime,FY2017-18-Q1,49,,,,,,,${CANARIES.A.figure}\n`,
        ),
      },
    ],
    'test',
  )
  assert.equal(importedA.outcome, 'applied', JSON.stringify(importedA))
  const savedA = await A.returns.saveReturn(
    { role: 'data-owner', agencyId: wmp.id, email: 'police@example.org' },
    'FY2017-18-Q4',
    wmp.id,
    {
      version: null,
      intent: 'save',
      fields: {
        'godoc-active-gang-members-status': 'not-yet-available',
        'godoc-active-gang-members-reason': CANARIES.A.return,
      },
    },
  )
  assert.equal(savedA.kind, 'saved', JSON.stringify(savedA))
  await rewordCommentary(A, adminA, 'FY2017-18', 'youth-custody', CANARIES.A.review)
  const uploadA = await uploadOf(
    demoPartnership.id,
    analystA.id,
    CANARIES.A.upload,
    'indicator,period,value\r\nknife-crime,FY2017-18-Q3,56\r\n',
  )
  const tokenA = await A.accounts.createApiToken(system, { agencyId: wmp.id, name: 'wolves' })
  assert.ok(tokenA.ok)
  a.people.push({
    label: 'wolves API token',
    credentials: null,
    bearer: tokenA.token,
    browser: new TestBrowser(app.base),
    csrf: '',
  })

  // B: Northshire, with its framework and its own police agency.
  const added = await services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
  assert.ok(added.ok)
  const B = services.forPartnership(added.value)
  const police = await B.accounts.addAgency(system, {
    code: 'NP',
    name: 'Northshire Police',
    ownerNames: ['Northshire Police'],
  })
  assert.ok(police.ok, JSON.stringify(police))
  const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/northshire/${name}`, import.meta.url))
  const values = fixture('values.csv')
    .toString('utf8')
    .replace('knife-crime,FY2024-25-Q4,30,,,,,,,', `knife-crime,FY2024-25-Q4,30,,,,,,,${CANARIES.B.figure}`)
    .replace(
      'burglary-dwelling,FY2024-25-Q4,135,,,,,,,',
      'burglary-dwelling,FY2024-25-Q4,135,,,,,,,One female victim was burgled twice.',
    )
  const importedB = await B.performance.importFiles(
    [
      { name: 'indicators.csv', content: fixture('indicators.csv') },
      { name: 'baselines.csv', content: fixture('baselines.csv') },
      { name: 'values.csv', content: Buffer.from(values) },
    ],
    'test',
  )
  assert.equal(importedB.outcome, 'applied', JSON.stringify(importedB))
  // B's strategy, a priority and a delivery priority (a draft: every change would be allowed, were it reached).
  const planB = await strategyObjects(B, true)
  const b = await peopleOf(app, B, 'northshire', police.agency.id, false)
  const savedB = await B.returns.saveReturn(
    { role: 'data-owner', agencyId: police.agency.id, email: 'data-owner@northshire.example' },
    'FY2024-25-Q4',
    police.agency.id,
    {
      version: null,
      intent: 'save',
      fields: { 'knife-crime-status': 'not-yet-available', 'knife-crime-reason': CANARIES.B.return },
    },
  )
  assert.equal(savedB.kind, 'saved', JSON.stringify(savedB))
  await rewordCommentary(B, b.users.get('administrator') as User, 'FY2024-25', 'burglary-dwelling', CANARIES.B.review)
  // A's analyst serves Northshire too, and left an upload there: at A's address it must not exist even for them.
  const dual = await B.accounts.addUser(system, {
    email: analystA.email,
    name: analystA.name,
    role: 'partnership-analyst',
    agencyId: null,
  })
  assert.ok(dual.ok && dual.oneTimePassword === null, JSON.stringify(dual))
  const uploadB = await uploadOf(
    added.value.id,
    analystA.id,
    CANARIES.B.upload,
    'indicator,period,value\r\nknife-crime,FY2024-25-Q3,31\r\n',
  )
  // B's own analyst's upload, so that B's crawl shows B's upload canary to B's analyst.
  const ownUploadB = await uploadOf(
    added.value.id,
    (b.users.get('partnership-analyst') as User).id,
    CANARIES.B.upload,
    'indicator,period,value\r\nknife-crime,FY2024-25-Q3,31\r\n',
  )
  const tokenB = await B.accounts.createApiToken(system, { agencyId: police.agency.id, name: 'northshire' })
  assert.ok(tokenB.ok)
  b.people.push({
    label: 'northshire API token',
    credentials: null,
    bearer: tokenB.token,
    browser: new TestBrowser(app.base),
    csrf: '',
  })

  // Delivery plan actions in each: A's led by two of its agencies, B's by its police.
  const yot = agenciesA.find((x) => x.code === 'YOT')
  assert.ok(yot)
  const actionsA = await seedMatrixActions(A, wmp.id, yot.id, 'WOLVES')
  const actionsB = await seedMatrixActions(B, police.agency.id, police.agency.id, 'NORTHSHIRE')
  const boardA = await seedMatrixBoard(A.board, 'WOLVES')
  const boardB = await seedMatrixBoard(B.board, 'NORTHSHIRE')
  const meetingsA = await seedMatrixMeeting(A.database, A.meetings.service)
  const meetingsB = await seedMatrixMeeting(B.database, B.meetings.service, '2024-06-12')
  const targetA = a.users.get('viewer') as User
  const targetB = b.users.get('viewer') as User
  return {
    ...app,
    dualMember: analystA.email,
    A: {
      slug: demoPartnership.slug,
      services: A,
      people: a.people,
      canaries: CANARIES.A,
      ownUpload: uploadA.id,
      objects: {
        placeholders: {
          user: String(targetA.id),
          apiToken: String(tokenA.apiToken.id),
          upload: uploadA.id,
          agency: String(wmp.id),
          ...(await strategyObjects(A, false)),
          actionA: String(actionsA.a),
          actionB: String(actionsA.b),
          boardGroup: String(boardA.group),
          boardMember: String(boardA.member),
          ...meetingsA,
        },
        kpi: null,
        agencyCode: null,
        year: null,
      },
    },
    B: {
      slug: added.value.slug,
      services: B,
      people: b.people,
      canaries: CANARIES.B,
      ownUpload: ownUploadB.id,
      objects: {
        placeholders: {
          user: String(targetB.id),
          apiToken: String(tokenB.apiToken.id),
          upload: uploadB.id,
          agency: String(police.agency.id),
          ...planB,
          actionA: String(actionsB.a),
          actionB: String(actionsB.b),
          boardGroup: String(boardB.group),
          boardMember: String(boardB.member),
          ...meetingsB,
        },
        kpi: 'burglary-dwelling',
        agencyCode: 'NP',
        year: '2024-25',
      },
    },
    missing: {
      placeholders: {
        user: '999999',
        apiToken: '999999',
        upload: '0'.repeat(32),
        agency: '999999',
        strategy: '999999',
        priority: '999999',
        deliveryPriority: '999999',
        actionA: '999999',
        actionB: '999999',
        boardGroup: '999999',
        boardMember: '999999',
        meeting: '999999',
        decision: '999999',
        meetingAction: '999999',
      },
      kpi: 'no-such-kpi',
      agencyCode: 'NOAGENCY',
      year: '2024-25',
    },
  }
}

/** Every GET path of a side to crawl: each route's sample for its objects, its year's and the other's, exports too. */
function crawlPaths(side: Side, other: Side): string[] {
  const paths = new Set<string>()
  for (const route of routeManifest) {
    if (route.method !== 'GET') continue
    for (const objects of [side.objects, { ...side.objects, year: other.objects.year ?? '2017-18' }]) {
      const concrete = concretePath(route, objects)
      if (concrete === null) continue
      const prefixed = isInstanceRoute(route) ? concrete : `/p/${side.slug}${concrete}`
      paths.add(prefixed)
      // Every export format of the report, not only the sample's.
      const report = /^(.*\/reports\/performance\/[0-9-]+)\.xlsx$/.exec(prefixed)
      if (report) for (const format of ['csv', 'json']) paths.add(`${report[1]}.${format}`)
    }
  }
  paths.add(`/p/${side.slug}/imports/${side.ownUpload}`)
  // The public home page of the instance, and each partnership's own public report.
  paths.add('/')
  paths.add(`/p/${side.slug}/`)
  return [...paths]
}

for (const dialect of testDialects()) {
  describe(`no leaks across partnerships, over every route and role (${dialect})`, () => {
    let world: World
    before(async () => {
      world = await startWorld(dialect)
    })
    after(() => world?.stop())

    it('answers a route naming the other partnership’s object as it answers for an object that does not exist', async () => {
      const failures: string[] = []
      let requests = 0
      const changesOfB = async () =>
        // Everything but the sign-ins of the test's own people (B's view holds its members' sign-in events).
        (await world.B.services.audit.list({ limit: 10_000 })).filter(
          (e) => !['sign-in', 'sign-out'].includes(e.action),
        ).length
      const before = await changesOfB()
      for (const route of routeManifest) {
        if (isInstanceRoute(route) || !/[:*]/.test(route.path)) continue
        const othersObject = concretePath(route, world.B.objects)
        const noObject = concretePath(route, world.missing)
        if (othersObject === null || noObject === null) {
          failures.push(`${route.method} ${route.path}: no sample to put another partnership's object into`)
          continue
        }
        for (const who of world.A.people) {
          const leak = await send(route, who, `/p/${world.A.slug}${othersObject}`)
          const missing = await send(route, who, `/p/${world.A.slug}${noObject}`)
          requests += 2
          if (leak.status !== missing.status) {
            failures.push(
              `${route.method} ${othersObject} as ${who.label}: ${leak.status}, but ${missing.status} for no object`,
            )
          }
          const body = await leak.text()
          for (const canary of Object.values(world.B.canaries)) {
            if (body.includes(canary)) failures.push(`${route.method} ${othersObject} as ${who.label}: shows ${canary}`)
          }
        }
      }
      assert.deepEqual(failures, [], `${failures.length} of ${requests} requests`)
      assert.equal(await changesOfB(), before, 'nothing of Northshire’s was changed')
      assert.ok(requests > 0)
    })

    it('hides every route of the other partnership’s address from each of its non-members (404)', async () => {
      const failures: string[] = []
      for (const route of routeManifest) {
        if (isInstanceRoute(route) || route.access === 'public') continue
        const concrete = concretePath(route, world.B.objects)
        if (concrete === null) continue
        for (const who of world.A.people) {
          if (!who.credentials || who.credentials.email === world.dualMember) continue
          const response = await send(route, who, `/p/${world.B.slug}${concrete}`)
          if (response.status !== 404)
            failures.push(`${route.method} /p/${world.B.slug}${concrete} as ${who.label}: ${response.status}`)
        }
      }
      assert.deepEqual(failures, [])
    })

    for (const [name, mine, theirs] of [
      ['Wolverhampton', 'A', 'B'],
      ['Northshire', 'B', 'A'],
    ] as const) {
      it(`never shows the other partnership’s canaries on ${name}’s pages, exports, API or public report`, async () => {
        const side = world[mine]
        const other = world[theirs]
        const failures: string[] = []
        const seen = new Set<string>()
        const paths = crawlPaths(side, other)
        for (const who of side.people) {
          for (const target of paths) {
            const api = target.includes('/api/')
            if (who.bearer && !api) continue
            const headers: Record<string, string> = api ? { accept: 'application/json' } : {}
            if (who.bearer) headers.authorization = `Bearer ${who.bearer}`
            const body = await (await who.browser.get(target, headers)).text()
            for (const canary of Object.values(other.canaries)) {
              if (body.includes(canary)) failures.push(`GET ${target} as ${who.label}: shows ${canary}`)
            }
            for (const canary of Object.values(side.canaries)) if (body.includes(canary)) seen.add(canary)
          }
        }
        assert.deepEqual(failures, [])
        // The crawl reaches each of the partnership's own canaries: the check above could fail.
        assert.deepEqual(
          CANARY_KINDS.filter((kind) => !seen.has(side.canaries[kind])),
          [],
          'canaries the crawl never saw in their own partnership',
        )
      })
    }
  })
}
