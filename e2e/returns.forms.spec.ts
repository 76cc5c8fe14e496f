import { expect, test } from './fixtures.ts'

/**
 * A quarterly return from start to sign-off: the West Midlands Police data owner enters a figure the form refuses,
 * corrects it, saves a draft and submits; the partnership analyst sends it back with a comment, the data owner
 * submits again, the analyst accepts it; the board member signs off (locks) the quarter. Runs with JavaScript on and
 * off (the `no-javascript` project), each on a quarter of its own, as they share one server and database.
 */
test('a return: refused figure, draft, submit, send back, accept, board sign-off', async ({
  page,
  signInAs,
}, testInfo) => {
  const quarter = testInfo.project.name === 'no-javascript' ? 'FY2024-25-Q2' : 'FY2024-25-Q1'
  const label = quarter === 'FY2024-25-Q2' ? '2024/25 Q2' : '2024/25 Q1'
  const returnPath = `/returns/${quarter}/WMP`
  const banner = page.locator('.govuk-notification-banner')

  await signInAs('data-owner')
  // A data owner is taken straight to their agency's return for the latest quarter.
  await page.goto('/returns')
  await expect(page).toHaveURL(/\/returns\/FY\d{4}-\d{2}-Q[1-4]\/WMP$/)
  await expect(page.locator('.govuk-caption-l')).toHaveText('West Midlands Police')

  await page.goto(returnPath)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Return for ${label}`)
  await page.locator('#proven-reoffending-numerator').fill('120')
  await page.locator('#proven-reoffending-denominator').fill('400')
  await page.locator('#godoc-active-gang-members-value').fill('-3')
  await page.getByRole('button', { name: 'Save draft' }).click()

  await expect(page).toHaveTitle(/^Error: /)
  const summary = page.locator('.govuk-error-summary')
  await expect(summary).toContainText('There is a problem')
  const message = 'Active gang members discussed at GODOC: "-3" is negative: a figure cannot be negative'
  await expect(summary.getByRole('link', { name: message })).toHaveAttribute('href', '#godoc-active-gang-members-value')
  await expect(page.locator('#godoc-active-gang-members-value-error')).toContainText('a figure cannot be negative')
  // Nothing was saved, but what was typed is kept.
  await expect(page.locator('#proven-reoffending-numerator')).toHaveValue('120')
  await expect(page.locator('#godoc-active-gang-members-value')).toHaveValue('-3')

  await page.locator('#godoc-active-gang-members-value').fill('30')
  await page.getByRole('button', { name: 'Save draft' }).click()
  await expect(page).toHaveURL(new RegExp(`${returnPath}$`))
  await expect(banner).toContainText('Your draft has been saved.')
  await expect(page.locator('#godoc-active-gang-members-value')).toHaveValue('30')
  await expect(page.locator('#proven-reoffending-denominator')).toHaveValue('400')

  await page.getByRole('button', { name: 'Submit return' }).click()
  await expect(banner).toContainText('Your return has been submitted.')
  const status = page.locator('.govuk-summary-list__row', { hasText: 'Status' }).locator('dd')
  await expect(status).toHaveText('Submitted')
  // The data owner cannot review their own return.
  await expect(page.getByRole('button', { name: 'Accept return' })).toHaveCount(0)

  // The analyst sees it on the quarter's overview and sends it back; a send-back without a comment is refused.
  await page.context().clearCookies()
  await signInAs('partnership-analyst')
  await page.goto(`/returns/${quarter}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Returns for ${label}`)
  await page.getByRole('link', { name: 'West Midlands Police' }).click()
  await expect(page).toHaveURL(new RegExp(`${returnPath}$`))
  await page.getByRole('button', { name: 'Send back' }).click()
  await expect(page.locator('.govuk-error-summary')).toContainText('There is a problem')
  await expect(page.locator('#comment-error')).toBeVisible()
  await page.locator('#comment').fill('Please check the GODOC figure against the meeting minutes.')
  await page.getByRole('button', { name: 'Send back' }).click()
  await expect(banner).toContainText('The return is sent back.')

  // The data owner reads the comment and submits again.
  await page.context().clearCookies()
  await signInAs('data-owner')
  await page.goto(returnPath)
  await expect(page.locator('.govuk-summary-list')).toContainText('Please check the GODOC figure')
  await page.locator('#godoc-active-gang-members-value').fill('31')
  await page.getByRole('button', { name: 'Submit return' }).click()
  await expect(banner).toContainText('Your return has been submitted.')

  await page.context().clearCookies()
  await signInAs('partnership-analyst')
  await page.goto(returnPath)
  await page.getByRole('button', { name: 'Accept return' }).click()
  await expect(banner).toContainText('The return is accepted.')
  await expect(status).toHaveText('Accepted')
  // An accepted return is shown as a table, no longer as a form.
  await expect(page.getByRole('button', { name: 'Submit return' })).toHaveCount(0)
  await expect(page.getByRole('table', { name: 'Figures in this return' })).toContainText(
    'Active gang members discussed at GODOC',
  )

  // The board member signs off: without the confirmation nothing is locked.
  await page.context().clearCookies()
  await signInAs('board-member')
  await page.goto(`/returns/${quarter}`)
  await page.getByRole('button', { name: 'Sign off and lock' }).click()
  await expect(page.locator('.govuk-error-summary')).toContainText('Confirm that the board has signed off this quarter')
  await page.getByLabel(`The board has signed off ${label}`).check()
  await page.getByRole('button', { name: 'Sign off and lock' }).click()
  await expect(banner).toContainText('The quarter is signed off and locked.')
  await expect(page.getByRole('heading', { name: 'Reopen the quarter' })).toBeVisible()
  await page.getByRole('link', { name: 'See the report as signed off' }).click()
  await expect(page).toHaveURL(new RegExp(`/returns/${quarter}/signed-off$`))

  // The data owner can no longer change the locked quarter.
  await page.context().clearCookies()
  await signInAs('data-owner')
  await page.goto(returnPath)
  await expect(page.locator('.govuk-summary-list')).toContainText('Signed off by the board: locked')
  await expect(page.getByRole('button', { name: 'Save draft' })).toHaveCount(0)
})

/**
 * A return with monthly KPIs: Public Health's six "criminal justice clients" KPIs are reported by month, so the return
 * holds three months of each under the KPI's heading. The partnership analyst enters it (the demo has no Public Health
 * user): a month's refused figure is named and linked from the error summary, then the return is submitted, accepted,
 * and the months appear among the KPI's figures. Each project on its own quarter, as above.
 */
test('a return with monthly KPIs: a box set per month, a refused month, submit, accept', async ({
  page,
  signInAs,
}, testInfo) => {
  // Nineteen KPI-months to fill, and every page scanned with axe: more than the default minute on a busy machine.
  test.setTimeout(120_000)
  const noScript = testInfo.project.name === 'no-javascript'
  const quarter = noScript ? 'FY2025-26-Q2' : 'FY2025-26-Q1'
  const [first, second, third] = noScript
    ? [
        ['2025-07', 'July 2025'],
        ['2025-08', 'August 2025'],
        ['2025-09', 'September 2025'],
      ]
    : [
        ['2025-04', 'April 2025'],
        ['2025-05', 'May 2025'],
        ['2025-06', 'June 2025'],
      ]
  const months = [first, second, third] as [string, string][]
  const kpi = 'Criminal justice clients in treatment: opiate'
  const opiate = 'cj-clients-in-treatment-opiate'
  const returnPath = `/returns/${quarter}/PH`
  const banner = page.locator('.govuk-notification-banner')

  await signInAs('partnership-analyst')
  await page.goto(returnPath)
  await expect(page.locator('.govuk-caption-l')).toHaveText('Public Health')
  // One group per KPI, a heading per month inside it, and boxes whose labels name the KPI and the month.
  const group = page.getByRole('group', { name: kpi })
  for (const [, label] of months) await expect(group.getByRole('heading', { level: 3, name: label })).toBeVisible()
  for (const [i, [, label]] of months.entries()) {
    await page.getByLabel(`Figure – ${kpi}, ${label}`, { exact: true }).fill(['31', '-5', '28'][i] as string)
    await page.getByLabel(`Percentage (only where no counts were published) – ${kpi}, ${label}`).fill('22')
  }
  await page.getByRole('button', { name: 'Save draft' }).click()

  await expect(page).toHaveTitle(/^Error: /)
  const link = page.locator('.govuk-error-summary').getByRole('link', {
    name: `${kpi}, ${second[1]}: "-5" is negative: a count cannot be negative`,
  })
  await expect(link).toHaveAttribute('href', `#${opiate}--${second[0]}-value`)
  await expect(page.locator(`#${opiate}--${second[0]}-value-error`)).toContainText('a count cannot be negative')
  await expect(page.locator(`#${opiate}--${third[0]}-value`)).toHaveValue('28')

  await page.locator(`#${opiate}--${second[0]}-value`).fill('29')
  await page.getByRole('button', { name: 'Save draft' }).click()
  await expect(banner).toContainText('Your draft has been saved.')
  await expect(page.locator(`#${opiate}--${second[0]}-value`)).toHaveValue('29')

  // Every other KPI-month is not collected this quarter, with a reason; then the return is submitted.
  const statuses = page.locator('select[id$="-status"]')
  for (let i = 0; i < (await statuses.count()); i++) {
    const id = (await statuses.nth(i).getAttribute('id')) as string
    if (id.startsWith(`${opiate}--`)) continue
    await statuses.nth(i).selectOption('not-collected')
    await page.locator(`#${id.replace(/-status$/, '-reason')}`).fill('Not in this quarter’s extract')
  }
  await page.getByRole('button', { name: 'Submit return' }).click()
  await expect(banner).toContainText('Your return has been submitted.')

  await page.getByRole('button', { name: 'Accept return' }).click()
  await expect(banner).toContainText('The return is accepted.')
  const row = page.getByRole('row', { name: new RegExp(`^${kpi} ${second[1]}`) })
  await expect(row).toContainText('Figure: 29')

  // The accepted months are the KPI's figures now.
  await page.goto(`/kpis/${opiate}`)
  for (const [i, [month]] of months.entries()) {
    await expect(page.locator(`#kpi-figures tr[data-period="${month}"]`)).toContainText(`${[31, 29, 28][i]} (22.0%)`)
  }
})
