import http from 'node:http'
import type { Command } from '../cli/command.ts'
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
    'ones in progress finish, and closes the database.',
  ].join('\n'),
  async run(_args, services, output) {
    const { host, port } = services.config
    await warnWhenRowSecurityIsBypassed(services.database, jsonLogger())
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
    const address = server.address()
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
    const shownPort = typeof address === 'object' && address !== null ? address.port : port
    // Named by what the instance holds, never by the SAFERHUB_PARTNERSHIP default (Wolverhampton) for someone else's.
    const partnerships = await services.partnerships.list()
    const what =
      partnerships.length === 0
        ? 'no partnership yet (sign in as the administrator below to set yours up)'
        : partnerships.length === 1
          ? (partnerships[0] as { name: string }).name
          : `${partnerships.length} partnerships`
    output.out(`saferhub is serving ${what} on http://${shownHost}:${shownPort}/`)
    // Last, so that it is the line a person sees: the first administrator's one-time password (on stderr, as ever).
    for (const notice of services.firstStartNotices) output.err(notice)

    // Uploaded import files are kept only while they are needed (see UPLOAD_RETENTION_HOURS).
    const uploads = createUploadStore(services.config.dataDirectory)
    const prune = () =>
      uploads.prune().catch((error: unknown) => {
        output.err(`Removing old uploads failed: ${error instanceof Error ? error.message : String(error)}`)
      })
    void prune()
    const pruning = setInterval(() => void prune(), 60 * 60 * 1000)
    pruning.unref()

    return new Promise<number>((resolve) => {
      let stopping = false
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return
        stopping = true
        clearInterval(pruning)
        output.out(`${signal}: stopping`)
        server.close(() => {
          services.close().then(
            () => resolve(0),
            (error: unknown) => {
              output.err(`Closing the database failed: ${error instanceof Error ? error.message : String(error)}`)
              resolve(1)
            },
          )
        })
        server.closeIdleConnections()
      }
      process.once('SIGTERM', stop)
      process.once('SIGINT', stop)
    })
  },
}
