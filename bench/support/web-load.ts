/**
 * What the web benchmarks share (`bench:web`, `bench:regional`): `saferhub serve` in a process of its own, signing
 * in through the real form, a page's form fields, and driving a route with N concurrent clients (autocannon),
 * with latency percentiles taken from every response.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import autocannon from 'autocannon'
import { demoUsers } from '../../src/accounts/demo-users.ts'

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** A `saferhub serve` process on a free port of 127.0.0.1. */
export interface BenchServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string
  readonly child: ChildProcess
  /** Waits a second for the last responses' session writes, then SIGTERM, and waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Starts `saferhub serve` (development mode, so no production secrets are needed) with `env` over this process's
 * environment, and waits until `/health` answers 200 (up to `startTimeoutMs`: a first start migrates and may load
 * the demo). `nodeArguments` go to its `node` (e.g. `--cpu-prof`, which NODE_OPTIONS does not allow).
 */
export async function startBenchServer(
  env: Readonly<Record<string, string>>,
  startTimeoutMs = 120_000,
  nodeArguments: readonly string[] = [],
): Promise<BenchServer> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, [...nodeArguments, '--import', 'tsx', 'src/main.ts', 'serve'], {
    env: { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  let exited: number | null | undefined
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code
      resolve()
    }),
  )
  const stop = async () => {
    if (exited !== undefined) return
    await new Promise((r) => setTimeout(r, 1000))
    child.kill('SIGTERM')
    await exit
  }
  const started = Date.now()
  for (;;) {
    if (exited !== undefined) throw new Error(`saferhub serve exited (${exited}) before it was healthy`)
    const up = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (up) break
    if (Date.now() - started > startTimeoutMs) {
      await stop()
      throw new Error(`the server was not healthy within ${startTimeoutMs / 1000} s`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { base, child, stop }
}

/** A signed-in client: the session cookie and the CSRF token of its session. */
export interface Session {
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

/** Signs in through the form as the demo user with `role`. */
export async function signIn(base: string, role: string): Promise<Session> {
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

/** The status of a GET of `path` with the session's cookie (redirects not followed). */
export async function statusOf(base: string, path: string, session: Session): Promise<number> {
  const response = await fetch(`${base}${path}`, { headers: { cookie: session.cookie }, redirect: 'manual' })
  await response.arrayBuffer()
  return response.status
}

/** The fields of the first form on a page that posts back to it, as the browser would send them. */
export function formFields(html: string): URLSearchParams {
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

export interface Target {
  readonly label: string
  readonly path: string
  readonly method: 'GET' | 'POST'
  readonly headers: Record<string, string>
  readonly body?: string
}

export interface Figures {
  readonly label: string
  readonly requests: number
  readonly requestsPerSecond: number
  /** Percentiles of every response's time in ms (nearest rank), not autocannon's rounded histogram. */
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly errors: number
  readonly timeouts: number
  readonly statusCodes: string
}

/** The `q`-th percentile (0–100) of ascending `sorted` by nearest rank; NaN when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.max(1, Math.ceil((q / 100) * sorted.length))
  return sorted[rank - 1] as number
}

/** `connections` clients sending `target` back to back for `duration` seconds. */
export async function drive(
  base: string,
  target: Target,
  load: { readonly connections: number; readonly duration: number },
): Promise<Figures> {
  const times: number[] = []
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${base}${target.path}`,
        method: target.method,
        headers: target.headers,
        ...(target.body === undefined ? {} : { body: target.body }),
        connections: load.connections,
        duration: load.duration,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    )
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime))
  })
  times.sort((a, b) => a - b)
  const codes = Object.entries(
    (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {},
  )
    .map(([code, stat]) => `${code}×${stat.count}`)
    .join(' ')
  return {
    label: target.label,
    requests: times.length,
    requestsPerSecond: result.requests.average,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: codes,
  }
}

/** One figure in ms as the tables print it. */
export const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '–')

/**
 * The processor time (user + system, ms) process `pid` and the processes it started (the serving processes of
 * `SAFERHUB_PROCESSES`) have used so far, from Linux's `/proc` (in clock ticks of 10 ms); null elsewhere. Unlike
 * latency, it hardly moves when other work shares the machine.
 */
export function processorMs(pid: number | undefined): number | null {
  if (pid === undefined) return null
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
    let ticks = 0
    for (const process of [String(pid), ...children]) {
      const fields = readFileSync(`/proc/${process}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      ticks += Number(fields[11]) + Number(fields[12])
    }
    return Number.isFinite(ticks) ? ticks * 10 : null
  } catch {
    return null
  }
}
