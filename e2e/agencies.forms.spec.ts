import { expect, test } from './fixtures.ts'

/**
 * Partner agencies and the KPIs they own: the administrator adds an agency (first with mistakes the error summary
 * names), takes an owner name off the agency that had it, sees the KPI listed as matching no agency, gives the name
 * to the new agency and sees the KPI belong to it. Runs with JavaScript on and off (the `no-javascript` project),
 * each on an owner name of its own, as they share one server and database.
 */
const journeys = {
  chromium: {
    owner: 'Community Safety',
    from: 'Safer Wolverhampton Partnership (analyst and community safety team)',
    kpi: 'Domestic homicides',
    code: 'CST',
    name: 'Community Safety Team',
  },
  'no-javascript': {
    owner: 'West Midlands SARC',
    from: 'West Midlands Sexual Assault Referral Centre',
    kpi: 'Referrals to the SARC from Wolverhampton',
    code: 'ISVA',
    name: 'Independent Sexual Violence Advisers',
  },
} as const

test('an administrator adds an agency and moves a KPI to it by its name in the Owner column', async ({
  page,
  signInAs,
}, testInfo) => {
  const journey = testInfo.project.name === 'no-javascript' ? journeys['no-javascript'] : journeys.chromium
  const banner = page.locator('.govuk-notification-banner')

  await signInAs('administrator')
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Admin' }).click()
  await page.getByRole('main').getByRole('link', { name: 'Agencies' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Agencies')
  await page.getByRole('button', { name: 'Add an agency' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Add an agency')

  // No name, and an owner name another agency already has: both named in the error summary, nothing added.
  await page.locator('#code').fill(journey.code)
  await page.locator('#ownerNames').fill(journey.owner)
  await page.getByRole('button', { name: 'Add agency' }).click()
  await expect(page).toHaveTitle(/^Error: Add an agency/)
  const summary = page.locator('.govuk-error-summary')
  await expect(summary).toContainText('There is a problem')
  await expect(summary.getByRole('link', { name: 'Enter the agency’s name' })).toHaveAttribute('href', '#name')
  const taken = `Line 1: “${journey.owner}” is already a name of ${journey.from}`
  await expect(summary.getByRole('link', { name: taken })).toHaveAttribute('href', '#ownerNames')
  await expect(page.locator('#ownerNames-error')).toContainText(taken)
  await expect(page.locator('#code')).toHaveValue(journey.code)

  await page.locator('#name').fill(journey.name)
  await page.locator('#ownerNames').fill('')
  await page.getByRole('button', { name: 'Add agency' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(journey.name)
  await expect(banner).toContainText(`${journey.name} (${journey.code}) has been added.`)
  await expect(page.locator('#kpis ~ p').first()).toHaveText('No KPI names this agency as its owner yet.')
  const newAgencyPage = page.url()

  // The name is taken off the agency that had it: its KPI now matches no agency.
  await page.getByRole('link', { name: 'Back to agencies' }).click()
  await page.getByRole('link', { name: journey.from, exact: true }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(journey.from)
  const names = await page.locator('#ownerNames').inputValue()
  const kept = names.split(/\r?\n/).filter((n) => n !== journey.owner)
  expect(kept.length).toBe(names.split(/\r?\n/).length - 1)
  await page.locator('#ownerNames').fill(kept.join('\n'))
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(banner).toContainText('Changes saved.')
  await page.getByRole('link', { name: 'Back to agencies' }).click()
  const unmatched = page.locator('#unmatched-kpis').getByRole('row', { name: new RegExp(`^${journey.owner}`) })
  await expect(unmatched).toContainText(journey.kpi)

  // Given to the new agency, the KPI is its own.
  await page.goto(newAgencyPage)
  await page.locator('#ownerNames').fill(journey.owner)
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(banner).toContainText('Changes saved.')
  const owned = page.getByRole('table', { name: `KPIs whose Owner names ${journey.name}` })
  await expect(owned.getByRole('row', { name: new RegExp(journey.kpi) })).toContainText('a name in the Owner column')
  await page.getByRole('link', { name: 'Back to agencies' }).click()
  await expect(page.locator('#unmatched-kpis').getByRole('row', { name: new RegExp(`^${journey.owner}`) })).toHaveCount(
    0,
  )
})

test('the partnership analyst sees the agencies but cannot change them', async ({ page, signInAs }) => {
  await signInAs('partnership-analyst')
  await page.goto('/admin/agencies')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Agencies')
  await expect(page.getByRole('button', { name: 'Add an agency' })).toHaveCount(0)
  await page.getByRole('link', { name: 'Public Health', exact: true }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Public Health')
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0)
  await page.goto('/admin/agencies/new')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this page')
})
