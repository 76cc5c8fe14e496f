import { expect, test } from './fixtures.ts'

/**
 * The plan's pages (src/plan/): the landing page with the demo's Community Safety and Harm Reduction Strategy
 * 2017-2020 (the seed's three strategic priorities, its statutory functions shown apart, both years' delivery
 * priorities, KPIs with the report's outcome), the strategy's page, the KPI links page, and an analyst's draft
 * strategy made, refused once and filled through the forms. Every page is scanned with axe (e2e/fixtures.ts).
 *
 * The analyst's strategy is for 2014-17 and left a draft: the demo's stays the one the landing page shows (the
 * latest), whatever order the specs run in.
 */

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled })

    test('a reader sees the demo strategy, its priorities, delivery priorities and KPIs, and changes nothing', async ({
      page,
      signInAs,
    }) => {
      await signInAs('viewer')
      await page.goto('/plan')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Plan')
      await expect(page.locator('#strategy-title')).toHaveText('Community Safety and Harm Reduction Strategy 2017-2020')
      await expect(page.locator('#strategy-facts')).toContainText('2017/18 to 2019/20')
      await expect(page.locator('#strategy-facts')).toContainText('date of approval not given')
      for (const name of [
        'Reducing Reoffending',
        'Reducing Victimisation',
        'Violence Prevention',
        'Statutory Functions',
      ])
        await expect(page.getByRole('heading', { level: 3, name })).toBeVisible()
      await expect(page.getByRole('heading', { level: 2, name: 'Statutory functions' })).toBeVisible()
      await expect(page.getByText('Delivery of the Health and Justice Pathways Pilot for Wolverhampton')).toBeVisible()
      await expect(page.getByRole('table', { name: /KPIs of Reducing Reoffending/ })).toContainText(
        'First time entrants to the youth justice system',
      )
      await expect(page.getByRole('link', { name: 'Delivery plan actions' })).toBeVisible()
      await expect(page.getByRole('link', { name: 'Strategic assessments' })).toBeVisible()
      await expect(page.getByRole('link', { name: /Change the strategy/ })).toHaveCount(0)

      await page.getByRole('link', { name: 'The strategy’s own page' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(
        'Community Safety and Harm Reduction Strategy 2017-2020',
      )
      await page.goto('/plan/kpi-links')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('KPIs and the strategy’s priorities')
      await expect(page.locator('#kpi-links form')).toHaveCount(0)
    })

    test('an analyst makes a draft strategy: a refusal named in the error summary, then priorities and a year’s delivery', async ({
      page,
      signInAs,
    }) => {
      const title = `Earlier strategy 2014-2017 (${javaScriptEnabled ? 'with' : 'without'} JavaScript)`
      await signInAs('partnership-analyst')
      await page.goto('/plan')
      // The approved demo strategy: its priorities are fixed, each year may still gain delivery priorities.
      await page.getByRole('link', { name: /^Change the strategy/ }).click()
      await expect(page.locator('[data-status="approved"]')).toBeVisible()
      await expect(page.getByRole('button', { name: 'Add the priority' })).toHaveCount(0)
      await page.getByRole('link', { name: 'Delivery priorities of Reducing Reoffending' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reducing Reoffending')
      await expect(page.getByRole('button', { name: 'Add the delivery priority' })).toBeVisible()
      // The KPI links page with its forms: every KPI linked by the demo, none to resolve.
      await page.goto('/plan/kpi-links')
      await expect(page.locator('#unmatched')).toHaveText('KPIs to resolve (0)')
      await expect(page.locator('#kpi-links tbody tr[data-state="linked"]')).toHaveCount(34)

      await page.goto('/plan')
      await page.getByRole('link', { name: 'Create a strategy' }).first().click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create a strategy')
      await page.locator('#title').fill(title)
      await page.locator('#firstYear').fill('2014')
      await page.locator('#lastYear').fill('FY2016-17')
      await page.getByRole('button', { name: 'Create the strategy' }).click()
      const summary = page.locator('.govuk-error-summary')
      await expect(summary.getByRole('link')).toHaveText(['Enter the first financial year as FY2017-18'])
      await expect(summary.getByRole('link').first()).toHaveAttribute('href', '#firstYear')

      await page.locator('#firstYear').fill('FY2014-15')
      await page.getByRole('button', { name: 'Create the strategy' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
      await expect(page.locator('.govuk-notification-banner')).toContainText('was created as a draft')

      await page.locator('#name').fill('Reducing Reoffending')
      await page.getByRole('button', { name: 'Add the priority' }).click()
      await page.locator('#name').fill('Violence Prevention')
      await page.getByRole('button', { name: 'Add the priority' }).click()
      await expect(page.locator('#priority-table tbody tr')).toHaveCount(2)
      await page.getByRole('button', { name: 'Move up Violence Prevention' }).click()
      await expect(page.locator('#priority-table tbody th').first()).toHaveText('Violence Prevention')

      await page.getByRole('link', { name: 'Change Reducing Reoffending' }).click()
      await page.locator('#year').selectOption('FY2015-16')
      await page.locator('#name').fill('Support young people at risk of offending at an early stage')
      await page.getByRole('button', { name: 'Add the delivery priority' }).click()
      await expect(page.locator('.govuk-notification-banner')).toContainText('Delivery priority added for 2015/16')
      await expect(page.getByRole('heading', { level: 3, name: '2015/16' })).toBeVisible()
    })
  })
}
