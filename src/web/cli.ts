import cluster, { type Worker } from 'node:cluster'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Command, CommandOutput } from '../cli/command.ts'
import type { Services } from '../composition-root.ts'
import { createUploadStore } from '../imports-web/upload-store.ts'
import { createApp } from './app.ts'
import { jsonLogger } from './logger.ts'
import { warnWhenRowSecurityIsBypassed } from './row-security-warning.ts'

/** `saferhub serve`: the web application, until SIGTERM or SIGINT (Ctrl+C), then a clean shutdown. */
export const serveCommand: Command<Services> = {
  name: 'serve',
  summary: 'Run the web application (the performance report on http://localhost:3000/ by default)',
  usage: [
    'Usage: saferhub serve',
    '',
    'Listens on HOST:PORT (default 127.0.0.1:3000). On SIGTERM or SIGINT it stops taking requests, lets the',
    'ones in progress finish, and closes the database. SAFERHUB_PROCESSES=N (or auto: one per processor core)',
    'serves the port from N processes; one that fails is started again.',
  ].join('\n'),
  async run(_args, services, output) {
    if (cluster.isWorker) return serveAsWorker(services)
    await warnWhenRowSecurityIsBypassed(services.database, jsonLogger())
    const processes = services.config.processes ?? 1
    if (processes > 1) return serveFromProcesses(services, output, processes)

    const listening = await listen(services)
    announce(services, output, listening.port, 1)
    const stopPruning = pruneUploads(services, output)
    return new Promise<number>((resolve) => {
      onStopSignal((signal) => {
        stopPruning()
        output.out(`${signal}: stopping`)
        void listening.stop().then(resolve)
      })
    })
  },
}

/** The application listening on HOST:PORT; `stop` lets the requests in progress finish, then closes the database. */
async function listen(services: Services): Promise<{ port: number; stop(): Promise<number> }> {
  const { host, port } = services.config
  const server = http.createServer(createApp(services))
  // Slow-loris and idle keep-alive connections must not hold the process open for ever.
  server.headersTimeout = 20_000
  server.requestTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo | null
  return {
    port: address?.port ?? port,
    stop: () =>
      new Promise<number>((resolve) => {
        server.close(() => {
          services.close().then(
            () => resolve(0),
            (error: unknown) => {
              process.stderr.write(
                `Closing the database failed: ${error instanceof Error ? error.message : String(error)}\n`,
              )
              resolve(1)
            },
          )
        })
        server.closeIdleConnections()
      }),
  }
}

/** The line a person starts the server for, then the first administrator's one-time password, if one was made. */
function announce(services: Services, output: CommandOutput, port: number, processes: number): void {
  const { host } = services.config
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  void services.partnerships.list().then((partnerships) => {
    // Named by what the instance holds, never by the SAFERHUB_PARTNERSHIP default (Wolverhampton) for someone else's.
    const what =
      partnerships.length === 0
        ? 'no partnership yet (sign in as the administrator below to set yours up)'
        : partnerships.length === 1
          ? (partnerships[0] as { name: string }).name
          : `${partnerships.length} partnerships`
    const from = processes > 1 ? ` from ${processes} processes` : ''
    output.out(`saferhub is serving ${what} on http://${shownHost}:${port}/${from}`)
    // Last, so that it is the line a person sees: the first administrator's one-time password (on stderr, as ever).
    for (const notice of services.firstStartNotices) output.err(notice)
  })
}

/** Uploaded import files are kept only while they are needed (see UPLOAD_RETENTION_HOURS): pruned hourly. */
function pruneUploads(services: Services, output: CommandOutput): () => void {
  const uploads = createUploadStore(services.config.dataDirectory)
  const prune = () =>
    uploads.prune().catch((error: unknown) => {
      output.err(`Removing old uploads failed: ${error instanceof Error ? error.message : String(error)}`)
    })
  void prune()
  const pruning = setInterval(() => void prune(), 60 * 60 * 1000)
  pruning.unref()
  return () => clearInterval(pruning)
}

function onStopSignal(stop: (signal: NodeJS.Signals) => void): void {
  let stopping = false
  const once = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    stop(signal)
  }
  process.once('SIGTERM', once)
  process.once('SIGINT', once)
}

/** A failed process is started again, unless this many fail within `RESTART_WINDOW_MS` (a fault, not a mishap). */
const MOST_RESTARTS = 5
const RESTART_WINDOW_MS = 60_000
/** How long the processes have to finish their requests and close the database once told to stop. */
const STOP_GRACE_MS = 15_000

/**
 * Several processes serving one port (node:cluster: this one accepts the connections and hands them to the serving
 * processes in turn, cluster's default on Linux; letting each take connections from the shared socket itself left
 * them unevenly loaded, 18 and 32 of 50 connections, and the dashboard slower, `npm run bench:web`). This process
 * has already done what a first start does (migrations, the demo, the first administrator) before any other starts,
 * so they only open the database and listen. Each keeps its own caches, which are checked against the database on
 * every request (the data version), as separate servers' are, and the sessions live in the database, so a person's
 * requests may go to any of them. A process that exits unasked is started again and logged; one that fails before it
 * listens (a port in use, the database refused) stops them all. A connection handed to a process in the moment it
 * is killed (SIGKILL, as the out-of-memory killer does) is lost with it: its client waits until it gives up.
 */
function serveFromProcesses(services: Services, output: CommandOutput, processes: number): Promise<number> {
  const logger = jsonLogger()
  const stopPruning = pruneUploads(services, output)
  const alive = new Set<Worker>()
  const listening = new Set<Worker>()
  const restarts: number[] = []
  let announced = false
  let stopping = false
  let exitCode = 0
  return new Promise<number>((resolve) => {
    const stopAll = (code: number) => {
      if (stopping) return
      stopping = true
      exitCode = code
      stopPruning()
      for (const worker of alive) worker.process.kill('SIGTERM')
      const killer = setTimeout(() => {
        for (const worker of alive) worker.process.kill('SIGKILL')
      }, STOP_GRACE_MS)
      killer.unref()
    }
    const finishIfAllGone = () => {
      if (!stopping || alive.size > 0) return
      services.close().then(
        () => resolve(exitCode),
        () => resolve(1),
      )
    }
    cluster.on('listening', (worker, address) => {
      listening.add(worker)
      if (!announced && listening.size === processes) {
        announced = true
        announce(services, output, address.port, processes)
      }
    })
    const start = () => alive.add(cluster.fork())
    cluster.on('exit', (worker, code, signal) => {
      alive.delete(worker)
      const hadListened = listening.delete(worker)
      if (stopping) return finishIfAllGone()
      logger.log('error', 'a server process stopped', { pid: worker.process.pid, code, signal })
      const now = Date.now()
      restarts.push(now)
      while ((restarts[0] as number) < now - RESTART_WINDOW_MS) restarts.shift()
      if (!hadListened || restarts.length > MOST_RESTARTS) {
        output.err(
          hadListened
            ? `${restarts.length} server processes failed within a minute: stopping.`
            : 'A server process failed before it could listen: stopping.',
        )
        stopAll(1)
        return finishIfAllGone()
      }
      start()
    })
    onStopSignal((signal) => {
      output.out(`${signal}: stopping`)
      stopAll(0)
      finishIfAllGone()
    })
    for (let i = 0; i < processes; i++) start()
  })
}

/** One of several processes: listens (sharing the first process's port) until told to stop. */
async function serveAsWorker(services: Services): Promise<number> {
  const listening = await listen(services).catch((error: unknown) => {
    // The first process sees this one exit before it listened, and stops them all.
    cluster.worker?.disconnect()
    throw error
  })
  return new Promise<number>((resolve) => {
    onStopSignal(() => {
      // The channel to the first process would keep this one alive once its server and database are closed.
      void listening.stop().then((code) => {
        cluster.worker?.disconnect()
        resolve(code)
      })
    })
  })
}
