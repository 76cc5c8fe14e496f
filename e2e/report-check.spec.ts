import { expect, test } from './fixtures.ts'

/**
 * The number checker's pages (src/annual-report/number-check-routes.ts) on the demo: the seed comparison ("What the
 * seed printed and what the data says") and the check of a pasted text and of an uploaded file. Nothing is written,
 * so runs share the demo's state. Every page visited is scanned with axe (e2e/fixtures.ts). The same forms without
 * JavaScript: report-check.forms.spec.ts.
 */
test.describe('the number checker (JavaScript on)', () => {
  test.use({ javaScriptEnabled: true })

  test('the seed comparison shows each contradiction with the data’s figure', async ({ page, signInAs }) => {
    await signInAs('board-member')
    await page.goto('/annual-report/2017-18/seed-comparison')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('What the seed printed and what the data says')
    const contradictions = page.getByRole('table', { name: 'Numbers the data contradicts' })
    // Knife crime: 30 on 191 is 15.7%, not 16.5%; Appendix A: £339,995 + £38,435 is £378,430.
    await expect(contradictions.getByRole('row').filter({ hasText: '16.5%' }).first()).toContainText('15.7%')
    await expect(contradictions.getByRole('row').filter({ hasText: '£378,390' })).toContainText('£378,430')
    await expect(page.getByRole('table', { name: /agree with the data/ })).toBeVisible()
    await page.getByText(/Numbers saferhub holds no figure for/).click()
    await expect(page.getByRole('table', { name: 'Unsourced and acknowledged numbers' })).toBeVisible()
  })

  test('an analyst checks a pasted text, then a file; a wrong file is refused', async ({ page, signInAs }) => {
    await signInAs('partnership-analyst')
    await page.goto('/annual-report/2017-18/check')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check the numbers in a text')
    await page.getByLabel('Text to check').fill('Gun crime increased by 73% from 37 offences to 64 offences.')
    await page.getByRole('button', { name: 'Check the numbers' }).click()
    await expect(page.locator('#findings-summary')).toContainText('3 of the 3 numbers contradict the data')
    await expect(page.getByRole('table', { name: 'Every number, in the order of the text' })).toContainText('90.9%')

    await page.getByLabel('Text to check').fill('')
    await page.getByLabel('Or a file').setInputFiles({
      name: 'hate-crime.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Hate crime\n\nHate Crime increased from 374 to 385 offences (3%).\n'),
    })
    await page.getByRole('button', { name: 'Check the numbers' }).click()
    await expect(page.locator('#findings')).toContainText('Findings in hate-crime.md')
    await expect(page.locator('#findings-summary')).toContainText('No number contradicts the data')

    await page
      .getByLabel('Or a file')
      .setInputFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7') })
    await page.getByRole('button', { name: 'Check the numbers' }).click()
    await expect(page).toHaveTitle(/^Error: /)
    await expect(page.locator('.govuk-error-summary a')).toHaveAttribute('href', '#file')
  })
})
