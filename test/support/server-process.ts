import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../bin/saferhub.js', import.meta.url))

/** `saferhub serve` in a process of its own, for tests of what happens to the process itself. */
export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams
  /** `http://127.0.0.1:<port>` */
  readonly base: string
  /** Everything it wrote on standard error so far (its JSON log lines). */
  stderr(): string
  /** Whether it is still running (it has not exited, on its own or otherwise). */
  running(): boolean
  /** SIGTERM (its clean shutdown), SIGKILL if it has not exited after 10 s; resolves with its exit code. */
  stop(): Promise<number | null>
}

/**
 * Starts `saferhub serve` on a free port of 127.0.0.1 with the test's settings over the environment (NODE_ENV=test,
 * PORT=0, HOST=127.0.0.1, then `env`), and waits until it says where it listens. Rejects, with what it wrote, if it
 * exits first or takes longer than `startTimeoutMs`.
 */
export async function startServerProcess(
  env: Readonly<Record<string, string>>,
  startTimeoutMs = 60_000,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', ...env },
  })
  let stdout = ''
  let stderr = ''
  let exitCode: number | null | undefined
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code
      resolve(code)
    }),
  )
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`saferhub serve did not start in ${startTimeoutMs} ms:\n${stdout}\n${stderr}`))
    }, startTimeoutMs)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
      const match = /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`saferhub serve exited (${code}) before listening:\n${stdout}\n${stderr}`))
    })
  })
  return {
    child,
    base,
    stderr: () => stderr,
    running: () => exitCode === undefined,
    async stop() {
      if (exitCode !== undefined) return exitCode
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const code = await exited
      clearTimeout(killer)
      return code
    },
  }
}
