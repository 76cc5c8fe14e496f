import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { generatePoliceUkFiles } from '../../../bench/police-uk-generator.ts'
import { openDatabase } from '../../db/database.ts'
import { createCrimeRepository } from '../crime-repository.ts'
import { independentCounts } from './independent-counts.ts'

const CLI = fileURLToPath(new URL('../../../bin/saferhub.js', import.meta.url))

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Runs `saferhub crime import` in a child process; with `killWhen`, sends it SIGKILL (kill -9: no clean-up of any
 * kind) as soon as its standard error shows that text.
 */
function runImport(dataDirectory: string, source: string, workers: number, killWhen?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, 'crime', 'import', source, '--progress', '--workers', String(workers)],
      {
        env: {
          ...process.env,
          SAFERHUB_DATA_DIR: dataDirectory,
          SAFERHUB_DEMO: 'false',
          // Every partnership kept by LSOA too: a long write, so that the kill lands inside the transaction.
          SAFERHUB_SERVED_PARTNERSHIPS: 'all',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (killWhen && stderr.includes(killWhen)) child.kill('SIGKILL')
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

async function storedState(dataDirectory: string) {
  const database = openDatabase({ sqliteFile: path.join(dataDirectory, 'saferhub.sqlite') })
  try {
    const repository = createCrimeRepository(database)
    return {
      partnership: await repository.partnershipCounts(),
      lsoa: await repository.lsoaCounts(),
      months: (await repository.forceMonths()).map((m) => ({ ...m, importRunId: 0 })),
      runs: (await repository.importRuns()).length,
    }
  } finally {
    await database.close()
  }
}

describe('an import killed part-way (kill -9) leaves the previous state intact', () => {
  let directory: string
  let first: string
  let second: string
  before(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-kill-'))
    // Two different versions of the same 86 force-months (January and February 2020, 43 forces, about 200,000 rows
    // each): enough that writing them takes a few tenths of a second, the window the kill must land in.
    first = path.join(directory, 'first')
    second = path.join(directory, 'second')
    generatePoliceUkFiles({ directory: first, months: ['2020-01', '2020-02'], scale: 0.2, seed: 1 })
    generatePoliceUkFiles({ directory: second, months: ['2020-01', '2020-02'], scale: 0.2, seed: 2 })
  })
  after(() => fs.rmSync(directory, { recursive: true, force: true }))

  // On this thread the force-months are written after the reading; with worker threads, each as its file is read,
  // in a transaction opened at the first file (where "Writing to the database" is printed) and committed at the end.
  for (const workers of [0, 2]) {
    it(`keeps the first import after a second is killed while writing, and a re-run completes (${workers === 0 ? 'one thread' : `${workers} worker threads`})`, async () => {
      const data = path.join(directory, `data-${workers}`)
      const firstRun = await runImport(data, first, workers)
      assert.equal(firstRun.code, 0, firstRun.stderr)
      const afterFirst = await storedState(data)
      assert.equal(afterFirst.months.length, 86)

      const killed = await runImport(data, second, workers, 'Writing to the database')
      assert.equal(killed.signal, 'SIGKILL', `the import finished before it could be killed:\n${killed.stdout}`)
      assert.doesNotMatch(killed.stdout, /Imported/)
      assert.deepEqual(await storedState(data), afterFirst)

      const rerun = await runImport(data, second, workers)
      assert.equal(rerun.code, 0, rerun.stderr)
      assert.match(rerun.stdout, /Force-months loaded: 86 \(0 new, 86 replacing an earlier import\)/)
      const state = await storedState(data)
      assert.equal(state.runs, 2)
      // The second version's counts, as Python's csv module makes them.
      const files = ['2020-01', '2020-02'].flatMap((month) =>
        fs.readdirSync(path.join(second, month)).map((name) => path.join(second, month, name)),
      )
      const expected = new Map<string, number>()
      for (const [file, figures] of Object.entries(independentCounts(files))) {
        const month = path.basename(file).slice(0, 7)
        for (const [key, crimes] of Object.entries(figures.counts)) {
          expected.set(`${month}|${key}`, (expected.get(`${month}|${key}`) ?? 0) + crimes)
        }
      }
      assert.deepEqual(
        new Map(state.partnership.map((c) => [`${c.month}|${c.partnershipCode}|${c.crimeType}`, c.crimes])),
        expected,
      )
    })
  }
})
