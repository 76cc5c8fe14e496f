import { readFile } from 'node:fs/promises'
import path from 'node:path'
import ExcelJS from 'exceljs'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { financialYearOf } from '../src/domain/period.ts'

/**
 * A partnership's first hour, on the second server of playwright.config.ts: an EMPTY database, no demo. The first
 * administrator reads their one-time password on the console, signs in and chooses a password; the home page asks
 * for the partnership (Northshire, not Wolverhampton); the imports page gives the template workbook, filled in here
 * with two KPIs over last financial year and uploaded; a board member is added (the two-person rule), and the
 * administrator's approval and the board's sign-off publish the year. Signed out, the public page is Northshire's,
 * with nothing of the demo's. axe checks every page (e2e/fixtures.ts).
 */
const firstRun = `http://127.0.0.1:${process.env.SAFERHUB_E2E_FIRST_RUN_PORT ?? ''}`
test.use({ baseURL: firstRun })

const ADMIN = 'ana@northshire.example'
const BOARD = 'bo@northshire.example'

/** The console's one-time password, as a person reads it after `saferhub serve` on a first start. */
async function consolePassword(): Promise<string> {
  const file = path.join(process.env.SAFERHUB_E2E_FIRST_RUN_DIR ?? '', 'console.txt')
  for (let attempt = 0; attempt < 50; attempt++) {
    const text = await readFile(file, 'utf8').catch(() => '')
    const found = /One-time password: {2}(\S+)/.exec(text)?.[1]
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`No one-time password in ${file}`)
}

/** Signs in with a one-time password and chooses a password, as anyone's first sign-in goes. */
async function firstSignIn(page: Page, email: string, oneTimePassword: string, password: string): Promise<void> {
  await page.goto('/sign-in')
  await page.locator('#email').fill(email)
  await page.locator('#password').fill(oneTimePassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Change your password')
  await page.locator('#currentPassword').fill(oneTimePassword)
  await page.locator('#newPassword').fill(password)
  await page.locator('#confirmPassword').fill(password)
  await page.getByRole('button', { name: /Change password/ }).click()
  await expect(page).toHaveURL(/\/account$/)
}

async function signOut(page: Page): Promise<void> {
  await page.goto('/sign-out')
  await page.getByRole('button', { name: /Sign out/ }).click()
}

/** The downloaded template with two KPIs, a baseline each and last year's four quarters. */
async function fillTemplate(bytes: Buffer, year: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  const fy = `FY${year}-${String((year + 1) % 100).padStart(2, '0')}`
  const sheet = (name: string) => workbook.getWorksheet(name) as ExcelJS.Worksheet
  const put = (name: string, rows: (string | number | null)[][]) =>
    rows.forEach((cells, i) =>
      cells.forEach((cell, j) => {
        if (cell !== null) sheet(name).getCell(i + 2, j + 1).value = cell
      }),
    )
  // id, name, priority, theme, definition, data_owner, cadence, measure_type, preferred_direction, hidden_harm, unit
  put('Indicators', [
    [
      'northshire-burglary',
      'Burglary of a home in Northshire',
      'Safer streets',
      'Acquisitive crime',
      '',
      'Northshire Police',
      'quarterly',
      'count',
      'reduce',
      'no',
      'offences',
    ],
    [
      'northshire-youth-diversion',
      'Young people diverted from court',
      'Young people',
      'Youth justice',
      '',
      'Northshire Youth Justice',
      'quarterly',
      'count',
      'increase',
      'no',
      'young people',
    ],
  ])
  put('Baselines', [
    ['northshire-burglary', fy, 'previous-outturn', 412],
    ['northshire-youth-diversion', fy, 'previous-outturn', 60],
  ])
  put('Values', [
    ...[101, 98, 110, 95].map((v, q) => ['northshire-burglary', `${fy}-Q${q + 1}`, v]),
    ...[14, 18, 17, 20].map((v, q) => ['northshire-youth-diversion', `${fy}-Q${q + 1}`, v]),
  ])
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

test('first run: from an empty database to Northshire’s published report', async ({ page }) => {
  test.setTimeout(120_000)
  const year = financialYearOf(new Date()) - 1 // last financial year: every quarter is over
  const yearSlug = `${year}-${String((year + 1) % 100).padStart(2, '0')}`
  const yearLabel = `${year}/${String((year + 1) % 100).padStart(2, '0')}`

  // Nothing published, nothing of the demo's.
  await page.goto('/')
  await expect(page.locator('main')).toContainText('No partnership has published a report here yet')

  // The first administrator, from the console's one-time password.
  await firstSignIn(page, ADMIN, await consolePassword(), 'northshire first hour passphrase')

  // The home page asks for the partnership.
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up your partnership')
  await page.getByLabel('Your partnership’s name').fill('Safer Northshire Partnership')
  await page.getByLabel('Short name in its address (optional)').fill('northshire')
  await page.getByRole('button', { name: 'Create the partnership' }).click()
  await expect(page).toHaveURL(/\/p\/northshire\/imports$/)
  await expect(page.locator('.govuk-notification-banner')).toContainText('Safer Northshire Partnership is set up')

  // The template, downloaded from the imports page, filled in and uploaded.
  const downloading = page.waitForEvent('download')
  await page.getByRole('link', { name: /Download the template workbook/ }).click()
  const download = await downloading
  expect(download.suggestedFilename()).toBe('saferhub-import-template.xlsx')
  const filled = await fillTemplate(await readFile(await download.path()), year)
  await page.locator('#files').setInputFiles({
    name: 'northshire-kpis.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: filled,
  })
  await page.getByRole('button', { name: 'Upload and check' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check the import')
  await page.getByRole('button', { name: 'Confirm and import' }).click()
  await expect(page.locator('.govuk-notification-banner')).toContainText(/Import \d+ applied\./)

  // A board member, for the two-person rule.
  await page.goto('/p/northshire/admin/users/new')
  await page.getByLabel('Full name').fill('Bo Board')
  await page.getByLabel('Email address').fill(BOARD)
  await page.getByLabel('Board member').check()
  await page.getByRole('button', { name: 'Add user' }).click()
  const boardPassword = ((await page.locator('.govuk-panel__body').textContent()) ?? '').trim()
  expect(boardPassword.length).toBeGreaterThan(8)

  // The administrator approves the year for publication: one approval of two.
  await page.goto(`/p/northshire/publication/${yearSlug}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Publication of the ${yearLabel} report`)
  await page.getByRole('button', { name: 'Approve for publication' }).click()
  await expect(page.locator('#publication-state')).toContainText('Not published')
  await signOut(page)

  // The board member signs off: published.
  await firstSignIn(page, BOARD, boardPassword, 'board member of northshire passphrase')
  await page.goto(`/p/northshire/publication/${yearSlug}`)
  await page.getByRole('button', { name: 'Sign off for the board' }).click()
  await expect(page.locator('#publication-state')).toContainText('Published')
  await signOut(page)

  // The public page is Northshire's, with its KPIs and nothing of Wolverhampton's.
  await page.goto('/p/northshire/')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `Safer Northshire Partnership: performance report ${yearLabel}`,
  )
  await expect(page.locator('main')).toContainText('Burglary of a home in Northshire')
  await expect(page.locator('main')).toContainText('Young people diverted from court')
  expect(await page.content()).not.toMatch(/Wolverhampton|West Midlands/)
  await page.goto('/')
  await expect(page.getByRole('link', { name: 'Safer Northshire Partnership' })).toBeVisible()
})
