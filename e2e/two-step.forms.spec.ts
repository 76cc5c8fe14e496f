import { createHmac } from 'node:crypto'
import type { Page } from '@playwright/test'
import { demoUsers } from '../src/accounts/demo-users.ts'
import { expect, test } from './fixtures.ts'

/**
 * Two-step sign-in, end to end (with JavaScript on and off: the `no-javascript` project runs it again). The browser
 * tests' server runs the demo, where two-step sign-in is optional, so the test makes a user of its own (the demo
 * users must keep signing in with their passwords alone), sets it up, signs out, and signs in with a code this test
 * computes itself from the key shown on the page, after a wrong one.
 */

/** This test's own HOTP (RFC 4226) over the base32 key (RFC 4648) as the page shows it: what a phone would do. */
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

const stepNow = () => Math.floor(Date.now() / 30_000)

async function signOut(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/sign-in\?signedOut=1/)
}

async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in?returnTo=%2Faccount')
  await page.locator('#email').fill(email)
  await page.locator('#password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

test('set up two-step sign-in, sign out, and sign in with a code (a wrong one first)', async ({ page }, testInfo) => {
  const administrator = demoUsers.find((u) => u.role === 'administrator')
  if (!administrator) throw new Error('no demo administrator')
  const email = `two-step-${testInfo.project.name}-${Date.now()}@example.org`
  const password = 'lantern-orchard-quiver-ninety'

  // An administrator adds the user, who gets a one-time password.
  await signInWithPassword(page, administrator.email, administrator.password)
  await expect(page).toHaveURL(/\/account$/)
  await page.goto('/admin/users/new')
  await page.locator('#name').fill('Tess Twostep')
  await page.locator('#email').fill(email)
  await page.getByLabel('Viewer').check()
  await page.getByRole('button', { name: 'Add user' }).click()
  const oneTimePassword = ((await page.locator('.govuk-panel__body').textContent()) ?? '').trim()
  expect(oneTimePassword).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){4}$/)
  await signOut(page)

  // The user chooses a password, then sets two-step sign-in up from the menu.
  await signInWithPassword(page, email, oneTimePassword)
  await expect(page).toHaveURL(/\/account\/change-password$/)
  await page.locator('#currentPassword').fill(oneTimePassword)
  await page.locator('#newPassword').fill(password)
  await page.locator('#confirmPassword').fill(password)
  await page.getByRole('button', { name: 'Change password' }).click()
  await page.getByRole('list', { name: 'Your account' }).getByRole('link', { name: 'Your account' }).click()
  await page.getByRole('main').getByRole('link', { name: 'Two-step sign-in' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up two-step sign-in')
  await expect(page.getByRole('img', { name: 'QR code to scan with your authenticator app' })).toBeVisible()
  const keyText = ((await page.locator('#two-step-key').textContent()) ?? '').trim()
  expect(keyText).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/)
  await expect(page.locator('#code')).toHaveAttribute('autocomplete', 'one-time-code')
  await expect(page.locator('#code')).toHaveAttribute('inputmode', 'numeric')

  const setUpStep = stepNow()
  await page.locator('#code').fill(phoneCode(keyText, setUpStep))
  await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click()
  await expect(page.locator('.govuk-panel')).toContainText('Two-step sign-in is on')
  await expect(page.locator('#recovery-codes li')).toHaveCount(10)
  await page.getByRole('button', { name: 'I have saved my recovery codes' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Two-step sign-in')
  await expect(page.locator('main')).toContainText('Recovery codes left')
  await signOut(page)

  // Signing in: the password, then the code page. Nothing else is reachable in between.
  await signInWithPassword(page, email, password)
  await expect(page).toHaveURL(/\/sign-in\/two-step$/)
  await page.goto('/account')
  await expect(page).toHaveURL(/\/sign-in\?returnTo=%2Faccount$/)
  await page.goto('/sign-in/two-step')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enter the code from your authenticator app')
  // The way in without the phone, and back.
  await page.getByRole('link', { name: 'Use a recovery code instead' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enter a recovery code')
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(
    page.locator('.govuk-error-summary').getByRole('link', { name: 'Enter a recovery code' }),
  ).toHaveAttribute('href', '#code')
  await page.getByRole('link', { name: 'Use a code from your authenticator app instead' }).click()

  // The code used to set it up is spent, so the phone's next one is used (within the one step of drift allowed).
  const next = phoneCode(keyText, Math.max(stepNow(), setUpStep + 1))
  const wrong = next === '000000' ? '999999' : '000000'
  await page.locator('#code').fill(wrong)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page).toHaveTitle(/^Error: Enter the code/)
  const summary = page.locator('.govuk-error-summary')
  await expect(summary.getByRole('link', { name: /The code is not right/ })).toHaveAttribute('href', '#code')
  await expect(page.locator('#code-error')).toContainText('The code is not right')

  await page.locator('#code').fill(next)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page).toHaveURL(/\/account$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account')
  await expect(page.getByRole('list', { name: 'Your account' })).toContainText('Sign out')
})
