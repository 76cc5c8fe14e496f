import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { loadConfig } from '../config.ts'

describe('SAFERHUB_PROCESSES: how many processes serve the port', () => {
  it('is 1 unless set; a whole number from 1 to 64, or auto for one per processor core', () => {
    assert.equal(loadConfig({}).processes, 1)
    assert.equal(loadConfig({ SAFERHUB_PROCESSES: '' }).processes, 1)
    assert.equal(loadConfig({ SAFERHUB_PROCESSES: '3' }).processes, 3)
    assert.equal(loadConfig({ SAFERHUB_PROCESSES: '64' }).processes, 64)
    assert.equal(loadConfig({ SAFERHUB_PROCESSES: 'auto' }).processes, Math.min(os.availableParallelism(), 64))
    for (const wrong of ['0', '-2', '1.5', 'two', 'AUTO']) {
      assert.throws(() => loadConfig({ SAFERHUB_PROCESSES: wrong }), /SAFERHUB_PROCESSES must be a whole number/)
    }
    assert.throws(() => loadConfig({ SAFERHUB_PROCESSES: '65' }), /SAFERHUB_PROCESSES must be at most 64/)
  })
})

/** The processes `pid` started (Linux: its main thread's children), oldest first. */
function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
  return text === '' ? [] : text.split(/\s+/).map(Number)
}

/** A process's processor time so far, in clock ticks (user and system). */
function processorTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return Number(fields[11]) + Number(fields[12])
}

/**
 * A GET on a connection of its own, as a new browser or another user's would be: the first process hands each new
 * connection to the next serving process in turn, so requests made this way reach all of them (one connection kept
 * alive stays with one process).
 */
function getAlone(base: string, requestPath: string, cookie = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = cookie === '' ? {} : { cookie }
    http
      .get(`${base}${requestPath}`, { agent: false, headers }, (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      })
      .on('error', reject)
  })
}

const until = async (check: () => boolean, what: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * `saferhub serve` with SAFERHUB_PROCESSES=2 on the embedded SQLite database: one process that started the others
 * and hands out connections, two that serve. What one serving process writes (a figure, a sign-out) the other shows
 * at once; one that dies is replaced while the other goes on serving; SIGTERM stops them all cleanly.
 */
describe('several processes serving one SQLite database', () => {
  let directory = ''
  let server: ServerProcess | null = null

  before(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-several-processes-'))
    server = await startServerProcess({ SAFERHUB_DATA_DIR: directory, SAFERHUB_DEMO: 'true', SAFERHUB_PROCESSES: '2' })
  })

  after(async () => {
    await server?.stop()
    rmSync(directory, { recursive: true, force: true })
  })

  it('serves from two processes that share sessions and figures, replaces one that dies, and stops cleanly', async () => {
    assert.ok(server)
    const base = server.base
    const primary = server.child.pid as number
    let serving = childrenOf(primary)
    assert.equal(serving.length, 2, 'two serving processes under the first')

    // Both take requests: each new connection goes to the next process in turn.
    const analyst = demoUsers.find((u) => u.role === 'partnership-analyst')
    assert.ok(analyst)
    const browser = new TestBrowser(base)
    assert.equal((await browser.signIn(analyst.email, analyst.password)).status, 303)
    const cookie = browser.cookieHeader()
    const ticksBefore = serving.map(processorTicks)
    for (let round = 0; round < 4; round++) {
      const views = await Promise.all(
        Array.from({ length: 20 }, () => getAlone(base, '/reports/performance/2017-18', cookie)),
      )
      for (const [i, view] of views.entries()) assert.equal(view.status, 200, `round ${round}, view ${i}`)
    }
    const spent = serving.map((pid, i) => processorTicks(pid) - (ticksBefore[i] as number))
    for (const [i, ticks] of spent.entries()) assert.ok(ticks > 0, `process ${i + 1} served (${spent.join(', ')})`)

    // A figure written through one process shows on every view after it, whichever process answers: the
    // demo's knife crime 2017/18 is 49 + 49 + 56 + 67; Q4 corrected to 987 gives 1,141.
    for (let i = 0; i < 4; i++)
      assert.doesNotMatch((await getAlone(base, '/reports/performance/2017-18', cookie)).body, /1,141/)
    const csrf = await browser.csrfTokenOf('/account/change-password')
    const put = await browser.request('/api/indicators/knife-crime/values/FY2017-18-Q4', {
      method: 'PUT',
      body: JSON.stringify({ value: 987 }),
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, 'if-match': '"1"' },
    })
    assert.ok([200, 201].includes(put.status), `the figure was written: ${put.status}`)
    for (let i = 0; i < 6; i++) {
      const view = await getAlone(base, '/reports/performance/2017-18', cookie)
      assert.equal(view.status, 200)
      assert.match(view.body, /1,141/, `view ${i} after the write`)
    }

    // One serving process killed (as the kernel's out-of-memory killer would): it is logged, the other answers, and
    // the first process starts a new one. (A connection handed to it in the moment it died would be lost: the test
    // waits until the first process has seen it go.)
    const [killed, survivor] = serving as [number, number]
    process.kill(killed, 'SIGKILL')
    await until(() => server?.stderr().includes('a server process stopped') ?? false, 'the log line')
    for (let i = 0; i < 20; i++) assert.equal((await getAlone(base, '/ping')).status, 200, `ping ${i} after the kill`)
    await until(() => childrenOf(primary).length === 2 && !childrenOf(primary).includes(killed), 'a new process')
    serving = childrenOf(primary)
    assert.ok(serving.includes(survivor), 'the other process went on serving')
    for (let i = 0; i < 6; i++) {
      assert.equal((await getAlone(base, '/reports/performance/2017-18', cookie)).status, 200, `signed in ${i}`)
    }

    // Signed out through one process: the session has ended in every process.
    const signOutToken = await browser.csrfTokenOf('/sign-out')
    assert.equal((await browser.post('/sign-out', { _csrf: signOutToken })).status, 303)
    for (let i = 0; i < 6; i++) {
      assert.equal((await getAlone(base, '/reports/performance/2017-18', cookie)).status, 303, `signed out ${i}`)
    }

    // SIGTERM to the first process stops every process, cleanly.
    assert.equal(await server.stop(), 0)
    for (const pid of serving) assert.throws(() => process.kill(pid, 0), /ESRCH/, `process ${pid} has ended`)
  })

  it('stops, saying why, when the serving processes cannot listen (the port is taken)', async () => {
    const taken = net.createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as net.AddressInfo).port
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'saferhub-several-processes-port-'))
    try {
      await assert.rejects(
        startServerProcess({
          SAFERHUB_DATA_DIR: elsewhere,
          SAFERHUB_DEMO: 'true',
          SAFERHUB_PROCESSES: '2',
          PORT: String(port),
        }),
        /failed before it could listen: stopping[\s\S]*exited \(1\)|exited \(1\)[\s\S]*failed before it could listen/,
      )
    } finally {
      taken.close()
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })
})
