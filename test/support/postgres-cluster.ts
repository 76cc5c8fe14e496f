import { execFile, execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * A PostgreSQL server of a test's own (initdb + pg_ctl in a temporary directory, on a free port of 127.0.0.1, trust
 * authentication, fsync off: it is thrown away), for tests that stop or restart the server, which the shared test
 * server must never be.
 */
export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  /** The URL of another database on the same server. */
  urlOf(database: string): string
  /** `pg_ctl restart -m fast`: every session is ended ("terminating connection due to administrator command"). */
  restart(): Promise<void>
  /** `pg_ctl stop -m immediate`: the server quits at once, as if it had crashed. */
  stopImmediately(): Promise<void>
  start(): Promise<void>
  /** Stops it (if running) and removes its directory. */
  destroy(): Promise<void>
}

/**
 * The newest PostgreSQL server programs installed the Debian way (`/usr/lib/postgresql/<version>/bin`, what `.ci/run`
 * installs), or the reason there are none, for a test to skip with.
 */
export function postgresPrograms(): { bin: string } | { missing: string } {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter(
          (v) => existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'pg_ctl')),
        )
        .sort((a, b) => Number(a) - Number(b))
    : []
  const newest = versions.at(-1)
  if (newest === undefined) return { missing: `no PostgreSQL server programs (initdb, pg_ctl) under ${root}` }
  if (process.getuid?.() === 0) {
    if (!existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) {
      return { missing: 'running as root without runuser to run PostgreSQL as the postgres user' }
    }
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' })
    } catch {
      return { missing: 'running as root with no postgres user to run PostgreSQL as' }
    }
  }
  return { bin: path.join(root, newest, 'bin') }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** Starts a throwaway PostgreSQL server; `destroy()` it when done (also after a failure). */
export async function startThrowawayPostgres(bin: string): Promise<ThrowawayPostgres> {
  const asRoot = process.getuid?.() === 0
  const directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-throwaway-pg-'))
  const data = path.join(directory, 'data')
  // PostgreSQL refuses to run as root: as root, its directory is the postgres user's and its programs run as them.
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
    chownSync(directory, uid, gid)
  }
  const program = (name: string, args: readonly string[]) => {
    const command = path.join(bin, name)
    // From the server's own directory: the postgres user may not be allowed into the test's working directory.
    return asRoot
      ? run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: directory })
      : run(command, [...args], { cwd: directory })
  }
  const port = await freePort()
  const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`
  const pgCtl = (...args: string[]) =>
    program('pg_ctl', ['-D', data, '-l', path.join(directory, 'server.log'), ...args])
  let running = false
  try {
    await program('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8'])
    await pgCtl('-w', '-o', options, 'start')
    running = true
  } catch (error) {
    rmSync(directory, { recursive: true, force: true })
    throw error
  }
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`
  return {
    url: urlOf('postgres'),
    urlOf,
    async restart() {
      await pgCtl('-w', '-m', 'fast', '-o', options, 'restart')
      running = true
    },
    async stopImmediately() {
      await pgCtl('-w', '-m', 'immediate', 'stop')
      running = false
    },
    async start() {
      await pgCtl('-w', '-o', options, 'start')
      running = true
    },
    async destroy() {
      if (running) await pgCtl('-w', '-m', 'immediate', 'stop').catch(() => undefined)
      running = false
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
