import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineConfig } from '@playwright/test'

/**
 * The browser tests (`npm run test:browser`): Chromium from the system (`/usr/bin/chromium`, or
 * SAFERHUB_CHROMIUM), against `saferhub serve` on a free loopback port with the demo data in a fresh temporary
 * data directory. Every page a test visits is checked with axe (e2e/fixtures.ts).
 *
 * The port and directory are chosen once, in the runner, and handed to the workers through the environment (the
 * workers load this file again).
 */
function freePort(): number {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))
}

process.env.SAFERHUB_E2E_PORT ??= String(freePort())
process.env.SAFERHUB_E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'saferhub-e2e-'))
const port = Number(process.env.SAFERHUB_E2E_PORT)
const baseURL = `http://127.0.0.1:${port}`
// A second server for the first run (e2e/first-run.spec.ts): an empty database, no demo, its own port and data
// directory. Its console goes to a file there, where the test reads the first administrator's one-time password as
// a person reads it on the terminal.
process.env.SAFERHUB_E2E_FIRST_RUN_PORT ??= String(freePort())
process.env.SAFERHUB_E2E_FIRST_RUN_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'saferhub-e2e-first-run-'))
const firstRunPort = Number(process.env.SAFERHUB_E2E_FIRST_RUN_PORT)

const launchOptions = {
  executablePath: process.env.SAFERHUB_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 5_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  outputDir: path.join(os.tmpdir(), 'saferhub-e2e-results'),
  use: {
    baseURL,
    launchOptions,
    trace: 'off',
    screenshot: 'off',
    video: 'off',
    acceptDownloads: true,
  },
  projects: [
    { name: 'chromium', use: { javaScriptEnabled: true } },
    // The form journeys once more with JavaScript off: every journey must work without it.
    { name: 'no-javascript', testMatch: '**/*.forms.spec.ts', use: { javaScriptEnabled: false } },
  ],
  webServer: [
    {
      command: 'npx tsx src/main.ts serve',
      url: `${baseURL}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        SAFERHUB_DATA_DIR: process.env.SAFERHUB_E2E_DATA_DIR,
        SAFERHUB_DEMO: 'true',
        DATABASE_URL: '',
      },
    },
    {
      command: `npx tsx src/main.ts serve 2> "${path.join(process.env.SAFERHUB_E2E_FIRST_RUN_DIR, 'console.txt')}"`,
      url: `http://127.0.0.1:${firstRunPort}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      env: {
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(firstRunPort),
        SAFERHUB_DATA_DIR: process.env.SAFERHUB_E2E_FIRST_RUN_DIR,
        SAFERHUB_DEMO: 'false',
        SAFERHUB_ADMIN_EMAIL: 'ana@northshire.example',
        // Two-step sign-in is proved by e2e/two-step.forms.spec.ts; this journey is about the partnership's first hour.
        SAFERHUB_TWO_STEP: 'optional',
        DATABASE_URL: '',
      },
    },
  ],
})
