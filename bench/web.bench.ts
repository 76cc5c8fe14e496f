/**
 * `npm run bench:web [-- --duration 30 --connections 50]`: the web application under load on loopback. Starts
 * `saferhub serve` on the demo data in a temporary directory, signs in, and drives with autocannon (each for the
 * duration, with N concurrent clients): `/ping` (the ceiling: the same server doing nothing), the dashboard (or the
 * report page before the dashboard exists), a KPI page, and saving a quarterly return as its data owner. Prints
 * requests/s, p50/p97.5/p99 latency (autocannon has no p95), errors and status codes, and each route's throughput as a ratio of `/ping`'s in
 * the same run. Figures depend on the machine: compare ratios, not absolute numbers, between machines.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { demoUsers } from '../src/accounts/demo-users.ts'

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '50' },
  },
})
const duration = Number(options.duration)
const connections = Number(options.connections)
if (!(duration > 0) || !(connections > 0)) throw new Error('--duration and --connections must be positive numbers')

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** A signed-in client: the session cookie and the CSRF token of its session. */
interface Session {
  readonly cookie: string
  readonly csrf: string
}

function cookiesOf(response: Response, jar: Map<string, string>): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';')
    const eq = pair.indexOf('=')
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
  }
}

async function signIn(base: string, role: string): Promise<Session> {
  const user = demoUsers.find((u) => u.role === role)
  if (!user) throw new Error(`no demo ${role}`)
  const jar = new Map<string, string>()
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const form = await fetch(`${base}/sign-in`)
  cookiesOf(form, jar)
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? ''
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() },
    body: new URLSearchParams({ _csrf: token, email: user.email, password: user.password, returnTo: '/' }),
  })
  if (response.status !== 303) throw new Error(`${role} could not sign in: ${response.status}`)
  cookiesOf(response, jar)
  const page = await fetch(`${base}/sign-out`, { headers: { cookie: header() } })
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
  return { cookie: header(), csrf }
}

/** The fields of the first form on a page that posts back to it, as the browser would send them. */
function formFields(html: string): URLSearchParams {
  const fields = new URLSearchParams()
  for (const input of html.matchAll(/<input\b[^>]*>/g)) {
    const tag = input[0]
    const name = /\bname="([^"]+)"/.exec(tag)?.[1]
    const type = /\btype="([^"]+)"/.exec(tag)?.[1] ?? 'text'
    if (!name || ['submit', 'button', 'file'].includes(type)) continue
    if ((type === 'radio' || type === 'checkbox') && !/\bchecked\b/.test(tag)) continue
    fields.append(name, (/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&'))
  }
  for (const area of html.matchAll(/<textarea\b[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
    fields.append(area[1] ?? '', area[2] ?? '')
  }
  return fields
}

interface Target {
  readonly label: string
  readonly path: string
  readonly method: 'GET' | 'POST'
  readonly headers: Record<string, string>
  readonly body?: string
}

interface Figures {
  readonly label: string
  readonly requestsPerSecond: number
  readonly p50: number
  readonly p97_5: number
  readonly p99: number
  readonly errors: number
  readonly timeouts: number
  readonly statusCodes: string
}

async function drive(base: string, target: Target): Promise<Figures> {
  const result = await autocannon({
    url: `${base}${target.path}`,
    method: target.method,
    headers: target.headers,
    ...(target.body === undefined ? {} : { body: target.body }),
    connections,
    duration,
  })
  // autocannon's percentiles are p50, p90, p97.5 and p99 (no p95): p97.5 is printed in its place, and says so.
  const latency = result.latency as unknown as Record<string, number>
  const codes = Object.entries(
    (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {},
  )
    .map(([code, stat]) => `${code}×${stat.count}`)
    .join(' ')
  return {
    label: target.label,
    requestsPerSecond: result.requests.average,
    p50: latency.p50 ?? NaN,
    p97_5: latency.p97_5 ?? NaN,
    p99: latency.p99 ?? NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: codes,
  }
}

async function main(): Promise<void> {
  const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-bench-web-'))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      SAFERHUB_DATA_DIR: dataDirectory,
      SAFERHUB_DEMO: 'true',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      )
      if (up) break
      if (i > 600) throw new Error('the server did not start within 60 s')
      await new Promise((r) => setTimeout(r, 100))
    }
    const analyst = await signIn(base, 'partnership-analyst')
    const owner = await signIn(base, 'data-owner')
    const get = (session: Session) => ({ cookie: session.cookie })
    const status = async (p: string, session: Session) =>
      (await fetch(`${base}${p}`, { headers: get(session), redirect: 'manual' })).status

    const targets: Target[] = [{ label: 'GET /ping (ceiling)', path: '/ping', method: 'GET', headers: {} }]
    const dashboard = (await status('/dashboard', analyst)) === 200 ? '/dashboard' : '/reports/performance/2017-18'
    targets.push({ label: `GET ${dashboard}`, path: dashboard, method: 'GET', headers: get(analyst) })
    if ((await status('/kpis/knife-crime', analyst)) === 200) {
      targets.push({ label: 'GET /kpis/knife-crime', path: '/kpis/knife-crime', method: 'GET', headers: get(analyst) })
    } else console.log('No KPI page (/kpis/knife-crime) yet: skipped.')

    // A quarterly return saved as a draft by its data owner, with the figures the page shows.
    const returns = await fetch(`${base}/returns`, { headers: get(owner), redirect: 'manual' })
    const quarter = returns.headers.get('location')
    if (returns.status === 303 && quarter) {
      // A data owner is sent straight to their own agency's return; anyone else to the quarter's list.
      const returnPath = /^\/returns\/[^/]+\/[^/]+$/.test(quarter) ? quarter : `${quarter.replace(/\/$/, '')}/WMP`
      const page = await fetch(`${base}${returnPath}`, { headers: get(owner) })
      if (page.status === 200) {
        const fields = formFields(await page.text())
        fields.set('_csrf', owner.csrf)
        fields.set('intent', 'save')
        targets.push({
          label: `POST ${returnPath} (save draft)`,
          path: returnPath,
          method: 'POST',
          headers: { ...get(owner), 'content-type': 'application/x-www-form-urlencoded' },
          body: fields.toString(),
        })
      } else console.log(`The return page ${returnPath} answered ${page.status}: submission skipped.`)
    } else console.log('No quarterly returns (/returns) yet: submission skipped.')

    console.log(`bench:web — ${connections} connections, ${duration} s each, on ${base} (Node ${process.version})`)
    const all: Figures[] = []
    for (const target of targets) all.push(await drive(base, target))
    const ceiling = all[0]?.requestsPerSecond ?? NaN
    const rows = all.map((f) => ({
      route: f.label,
      'req/s': Math.round(f.requestsPerSecond),
      'p50 ms': f.p50,
      'p97.5 ms': f.p97_5,
      'p99 ms': f.p99,
      errors: f.errors + f.timeouts,
      'of /ping': (f.requestsPerSecond / ceiling).toFixed(3),
      statuses: f.statusCodes,
    }))
    console.table(rows)
  } finally {
    // Let the last responses' session writes finish before the server is asked to stop.
    await new Promise((r) => setTimeout(r, 1000))
    server.kill('SIGTERM')
    await new Promise((r) => server.once('exit', r))
    rmSync(dataDirectory, { recursive: true, force: true })
  }
}

await main()
