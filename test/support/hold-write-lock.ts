import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'

/**
 * Another process holding the SQLite database's write lock (`BEGIN IMMEDIATE`, as a command-line import or `sqlite3`
 * would): resolves once it holds it; `release()` ends its transaction and waits until it has. The process also lets go
 * if the test dies (its standard input closes), or after 60 s.
 */
export async function holdWriteLock(
  file: string,
): Promise<{ child: ChildProcessWithoutNullStreams; release(): Promise<void> }> {
  const child = spawn(process.execPath, [
    '--import',
    'tsx',
    new URL('./hold-write-lock.child.ts', import.meta.url).pathname,
    file,
  ])
  let said = ''
  const saw = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (said.includes(word) ? resolve() : undefined)
      child.stdout.on('data', (chunk: Buffer) => {
        said += chunk.toString('utf8')
        check()
      })
      child.once('exit', (code) =>
        said.includes(word) ? resolve() : reject(new Error(`the lock holder exited (${code}) before "${word}"`)),
      )
      check()
    })
  await saw('locked')
  return {
    child,
    async release() {
      child.stdin.end('release\n')
      await saw('released')
    },
  }
}
