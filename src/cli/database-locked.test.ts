import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { createServices } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import { DatabaseBusyError } from '../db/database-errors.ts'
import { holdWriteLock } from '../../test/support/hold-write-lock.ts'

const CLI = fileURLToPath(new URL('../../bin/saferhub.js', import.meta.url))
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url))

function run(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, cwd: REPOSITORY })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * A command that meets SQLite locked by another process for longer than the lock wait says so in one line, exits 1
 * and writes nothing. `saferhub crime import` printed SQLite's raw "database is locked" before.
 */
describe('the command line while another process holds the SQLite write lock', () => {
  let directory: string
  let env: Record<string, string>

  before(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-cli-locked-'))
    env = { SAFERHUB_DATA_DIR: directory, SAFERHUB_DEMO: 'false', SAFERHUB_LOCK_WAIT_SECONDS: '0.5' }
    // The first start (the first administrator) and a partnership to import into, before the lock is taken.
    const services = await createServices(loadConfig({ NODE_ENV: 'test', ...env }))
    try {
      assert.ok((await services.partnerships.add('test', { name: 'Safer Testshire Partnership' })).ok)
    } finally {
      await services.close()
    }
  })
  after(() => rmSync(directory, { recursive: true, force: true }))

  const imports: [string, string[]][] = [
    ['saferhub crime import', ['crime', 'import', 'test/fixtures/police-uk/real/2020-01-gwent-street.csv']],
    ['saferhub import', ['import', 'demo/performance-framework/indicators.csv']],
  ]
  for (const [name, args] of imports) {
    it(`${name}: one clear line, exit code 1, nothing written`, async () => {
      const lock = await holdWriteLock(path.join(directory, 'saferhub.sqlite'))
      let result: Awaited<ReturnType<typeof run>>
      try {
        result = await run(args, env)
      } finally {
        await lock.release()
      }
      assert.equal(result.code, 1)
      assert.equal(result.stderr, `${new DatabaseBusyError().message}\n`)
      assert.equal(result.stdout, '')

      const services = await createServices(loadConfig({ NODE_ENV: 'test', ...env }))
      try {
        const partnerships = await services.partnerships.list()
        for (const partnership of partnerships) {
          assert.equal(await services.forPartnership(partnership).performance.repository.countIndicators(), 0)
        }
        assert.deepEqual(await services.crime.repository.forceMonths(), [])
      } finally {
        await services.close()
      }
    })
  }
})
