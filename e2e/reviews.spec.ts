import { createHmac } from 'node:crypto'
import type { Page } from '@playwright/test'
import { demoUsers } from '../src/accounts/demo-users.ts'
import { expect, test } from './fixtures.ts'

/**
 * The death review register (src/reviews/), end to end, every page checked with axe (e2e/fixtures.ts). The demo's
 * users must keep signing in with their passwords alone, so the test makes an administrator of its own, who sets up
 * two-step sign-in (the register asks for it), grants themselves the register, records a notification (a refusal
 * first), gives the reason for opening it, records the decision, is refused a step out of order (409) and extends a
 * due date, and opens the register's retention pages. The analyst, outside the compartment, finds nothing. The
 * pages need no JavaScript.
 */

/** This test's own HOTP (RFC 4226) over the base32 key as the page shows it: what a phone would do. */
function phoneCode(keyText: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const bits = [...keyText.replace(/\s/g, '')].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('')
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha1', key).update(counter).digest()
  const offset = (mac[19] as number) & 0xf
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in?returnTo=%2Faccount')
  await page.locator('#email').fill(email)
  await page.locator('#password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

async function fillDate(page: Page, id: string, day: string, month: string, year: string): Promise<void> {
  await page.locator(`#${id}-day`).fill(day)
  await page.locator(`#${id}-month`).fill(month)
  await page.locator(`#${id}-year`).fill(year)
}

test('the register: step-up, a notification, the reason to open it, a decision, a refused step; 404 outside', async ({
  page,
}, testInfo) => {
  const administrator = demoUsers.find((u) => u.role === 'administrator')
  const analyst = demoUsers.find((u) => u.role === 'partnership-analyst')
  if (!administrator || !analyst) throw new Error('no demo administrator or analyst')
  const email = `dhr-${testInfo.project.name}-${Date.now()}@example.org`
  const password = 'granite-orchard-lantern-ninety'

  // The demo administrator adds an administrator of the test's own.
  await signInWithPassword(page, administrator.email, administrator.password)
  await page.goto('/admin/users/new')
  await page.locator('#name').fill('Rhea Register')
  await page.locator('#email').fill(email)
  await page.getByLabel('Administrator', { exact: true }).check()
  await page.getByRole('button', { name: 'Add user' }).click()
  const oneTimePassword = ((await page.locator('.govuk-panel__body').textContent()) ?? '').trim()
  await page.context().clearCookies()
  await signInWithPassword(page, email, oneTimePassword)
  await page.locator('#currentPassword').fill(oneTimePassword)
  await page.locator('#newPassword').fill(password)
  await page.locator('#confirmPassword').fill(password)
  await page.getByRole('button', { name: 'Change password' }).click()

  // Without two-step sign-in, the register sends them to set it up; setting it up is a step-up.
  await page.goto('/reviews/register-access')
  await expect(page).toHaveURL(/\/account\/two-step$/)
  const keyText = ((await page.locator('#two-step-key').textContent()) ?? '').trim()
  await page.locator('#code').fill(phoneCode(keyText, Math.floor(Date.now() / 30_000)))
  await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click()
  await expect(page.locator('.govuk-panel')).toContainText('Two-step sign-in is on')

  // They grant themselves the register.
  await page.goto('/reviews/register-access')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Who holds the death review register')
  await page.locator('#userId').selectOption({ label: `Rhea Register (${email})` })
  await page.getByRole('button', { name: 'Grant the register' }).click()
  await expect(page.locator('.govuk-notification-banner')).toContainText('The register was granted.')

  // A notification: a refusal first, then recorded.
  await page.goto('/reviews/new')
  await page.getByRole('button', { name: 'Record the notification' }).click()
  await expect(page).toHaveTitle(/^Error: /)
  await expect(
    page
      .locator('.govuk-error-summary')
      .getByRole('link', { name: 'Enter the date of the notification as a real date' }),
  ).toHaveAttribute('href', '#notifiedOn-day')
  await page.getByLabel('Domestic abuse related death review').check()
  await fillDate(page, 'notifiedOn', '31', '8', '2029')
  await page.locator('#notifiedBy').fill('West Midlands Police')
  await page.locator('#circumstances').fill('Text for the browser test only.')
  await page.getByRole('button', { name: 'Record the notification' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Case DARDR-2029-\d{2}$/)
  const caseUrl = page.url()
  expect(caseUrl).toMatch(/\/reviews\/DARDR-2029-\d{2}$/)
  await expect(page.locator('main')).toContainText('30 September 2029')

  // The decision; then a step out of order is refused.
  await page.getByRole('link', { name: 'Record the decision' }).click()
  await fillDate(page, 'on', '14', '9', '2029')
  await page.getByLabel('Hold a review', { exact: true }).check()
  await page.locator('#reasons').fill('The criteria are met.')
  await page.getByRole('button', { name: 'Record the decision' }).click()
  await expect(page.locator('.govuk-notification-banner')).toContainText('Record the decision: done.')
  await expect(page.locator('main')).toContainText('14 March 2030')
  await page.goto(`${caseUrl}/steps/publish`)
  await fillDate(page, 'on', '1', '10', '2029')
  await fillDate(page, 'commissionerCopiedOn', '1', '10', '2029')
  await page.getByRole('button', { name: 'Record publication' }).click()
  await expect(page.locator('.govuk-error-summary')).toContainText(
    'Only a review the quality-assurance panel approved can be published',
  )

  // The register's list.
  await page.goto('/reviews')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Death review register')
  await expect(page.locator('main')).not.toContainText('Text for the browser test only.')

  // Retention inside the compartment (they hold the register and are an administrator): the list and a case's
  // confirmation page. The new case is open, so it is not on the clock (nothing is deleted here).
  await page.getByRole('link', { name: 'Closed cases due for deletion' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Retention')
  await expect(page.locator('#tombstones')).toBeVisible()
  await page.goto(caseUrl.replace('/reviews/', '/reviews/retention/'))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Delete case DARDR-2029-\d{2}$/)
  await expect(page.locator('main')).toContainText('Not on the clock: the case is not closed')

  // The analyst, outside the compartment, finds no register at all.
  await page.context().clearCookies()
  await signInWithPassword(page, analyst.email, analyst.password)
  const response = await page.goto(caseUrl)
  expect(response?.status()).toBe(404)
  expect((await page.goto('/reviews'))?.status()).toBe(404)
  expect((await page.goto('/reviews/retention'))?.status()).toBe(404)
})
