import { readFile } from 'node:fs/promises'
import { expect, test } from './fixtures.ts'

/**
 * The reading pages: the public report (signed out), the dashboard with a filter, one KPI's page and the publication
 * page. Figures are those of the seed report (Safer Wolverhampton Partnership Annual Report 2017-18, Appendix C):
 * knife crime 40, 49, 51, 51 in 2016/17 (baseline 191) and 49, 49, 56, 67 in 2017/18 (221).
 */

test('signed out: the published report at / and at its own address, and the list of published years', async ({
  page,
}) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Safer Wolverhampton Partnership: performance report 2017/18',
  )
  await expect(page.getByRole('navigation', { name: 'Menu' })).not.toContainText('Sign out')
  await expect(page.getByRole('list', { name: 'Your account' })).toHaveCount(0)
  await page.goto('/public/performance')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Published performance reports')
  await page.getByRole('link', { name: '2017/18' }).click()
  await expect(page).toHaveURL(/\/public\/performance\/2017-18$/)
  const knife = page.getByRole('table', { name: /^Knife crime: .*2016\/17 and 2017\/18$/ })
  await expect(knife).toContainText('40')
  await expect(knife).toContainText('67')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('a[href="/public/performance/2017-18.csv"]').click(),
  ])
  const csv = await readFile(await download.path(), 'utf8')
  expect(csv.length).toBeGreaterThan(100)
})

test('the dashboard: filtering by priority keeps only that priority’s KPIs, and works as a plain GET form', async ({
  page,
  signInAs,
}) => {
  await signInAs('viewer')
  await page.goto('/dashboard')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard 2017/18')
  await expect(page.locator('a[href="/kpis/proven-reoffending"]')).toHaveCount(1)
  await page.locator('#priority').selectOption('Violence Prevention')
  await page.getByRole('button', { name: 'Apply filters' }).click()
  await expect(page).toHaveURL(/\/dashboard\?(.*&)?priority=Violence\+Prevention/)
  await expect(page.locator('#priority')).toHaveValue('Violence Prevention')
  await expect(page.locator('a[href="/kpis/knife-crime"]')).toHaveCount(1)
  // Proven reoffending belongs to "Reducing Reoffending": filtered out.
  await expect(page.locator('a[href="/kpis/proven-reoffending"]')).toHaveCount(0)
  await page.locator('a[href="/kpis/knife-crime"]').click()
  await expect(page).toHaveURL(/\/kpis\/knife-crime$/)
})

test('a KPI page: chart with a text alternative, the table of every figure, and the CSV', async ({
  page,
  signInAs,
}) => {
  await signInAs('viewer')
  await page.goto('/kpis/knife-crime')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Knife crime')
  // The chart of every period (the page also charts this year against last).
  const chart = page.locator('svg.app-chart[aria-labelledby^="kpi-knife-crime-chart-title"]')
  await expect(chart).toHaveAttribute('role', 'img')
  // The chart is named by its title and described: both must exist in the page.
  const labelledBy = (await chart.getAttribute('aria-labelledby')) ?? ''
  expect(labelledBy.split(' ').length).toBe(2)
  for (const id of labelledBy.split(' ')) await expect(page.locator(`[id="${id}"]`)).toHaveCount(1)

  const table = page.getByRole('table', { name: /every stored figure$/ })
  const rows = table.locator('tbody tr')
  await expect(rows).toHaveCount(8)
  await expect(rows.nth(0)).toContainText('2016/17 Q1')
  await expect(rows.nth(0)).toContainText('40')
  await expect(rows.nth(7)).toContainText('2017/18 Q4')
  await expect(rows.nth(7)).toContainText('67')
  await expect(page.locator('body')).toContainText('191')

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('a[href="/kpis/knife-crime.csv"]').click(),
  ])
  const lines = (await readFile(await download.path(), 'utf8'))
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
  expect(lines[0]).toContain('"Period"')
  const values = lines.slice(1).map((l) => Number(l.split(',')[4]))
  expect(values).toEqual([40, 49, 51, 51, 49, 49, 56, 67])
})

test('publication: the analyst and the board approve the 2017/18 report', async ({ page, signInAs }) => {
  await signInAs('partnership-analyst')
  await page.goto('/publication/2017-18')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Publication of the 2017/18 report')
  await expect(page.locator('#publication-state')).toContainText('Published')
  // The demo year is published at start-up: approving it again is an amendment, which needs its reason.
  await page.getByLabel('Reason for the amendment').fill('Approved again by the analyst and the board')
  await page.getByRole('button', { name: 'Approve the amendment for publication' }).click()
  await expect(page).toHaveURL(/\/publication\/2017-18\?recorded=(yes|already)$/)
  await expect(page.locator('.govuk-notification-banner')).toBeVisible()
  await expect(page.locator('#approvals')).toContainText('analyst@example.org')

  await page.context().clearCookies()
  await signInAs('board-member')
  await page.goto('/publication/2017-18')
  await expect(page.getByRole('button', { name: /Approve (the amendment )?for publication/ })).toHaveCount(0)
  await page.getByRole('button', { name: 'Sign off the amendment for the board' }).click()
  await expect(page.locator('.govuk-notification-banner')).toContainText(
    /Your approval has been recorded\.|You had already given this approval/,
  )
  await page.getByRole('link', { name: 'See the public page' }).click()
  await expect(page).toHaveURL(/\/public\/performance\/2017-18$/)
})

test('the regional analyst: the partnerships granted, and a KPI side by side with its chart and table', async ({
  page,
  signInAs,
}) => {
  // The demo has one partnership: its regional analyst is granted Wolverhampton alone, so the comparison has one row
  // (src/regional/regional-web.test.ts compares two partnerships over HTTP).
  await signInAs('regional-analyst')
  await page.goto('/regional')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compare partnerships')
  await expect(page.locator('#regional-partnerships')).toContainText('Safer Wolverhampton Partnership')
  await expect(page.locator('#regional-single-kpis a[href^="/regional/kpis/knife-crime?year="]')).toHaveCount(1)
  await page.goto('/regional/kpis/knife-crime?year=2017-18')
  const chart = page.locator('#regional-chart svg')
  await expect(chart).toHaveAttribute('role', 'img')
  const table = page.getByRole('table', { name: /by partnership$/ })
  await expect(table).toContainText('221')
  // 221 / 272,425 (Wolverhampton, ONS mid-2023, the district profile shipped in reference/ons) × 1,000 = 0.81.
  await expect(table).toContainText('0.81')
  await expect(table).toContainText('272,425')
  // The regional analyst reads the partnership's pages, and its KPI page lists no peers (there are none here).
  await page.goto('/kpis/knife-crime')
  await expect(page.locator('body')).toContainText('No other partnership here has published this KPI.')
})
