import { readFile } from 'node:fs/promises'
import { expect, test } from './fixtures.ts'

test('the performance report: the page, the list of years, and every download', async ({ page, signInAs }) => {
  await signInAs('viewer')
  await page.goto('/reports/performance')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Performance reports')
  await page.getByRole('link', { name: '2017/18' }).click()
  await expect(page).toHaveURL(/\/reports\/performance\/2017-18$/)
  // Knife crime as the seed report gives it (Appendix C): 221 in 2017/18.
  await expect(page.locator('body')).toContainText('221')

  for (const [extension, starts] of [
    ['.csv', '\uFEFF'],
    ['-summary.csv', '\uFEFF'],
    ['.json', '{'],
    ['.html', '<!DOCTYPE html>'],
    ['.xlsx', 'PK'],
  ] as const) {
    const link = page.locator(`a[href="/reports/performance/2017-18${extension}"]`)
    await expect(link, `a link to the ${extension} download`).toHaveCount(1)
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`performance-report-2017-18${extension.replace('.', '\\.')}$`),
    )
    const body = await readFile(await download.path())
    expect(body.subarray(0, Buffer.byteLength(starts)).toString('utf8').toUpperCase()).toBe(starts.toUpperCase())
  }
})

test('the skip link is the first thing the keyboard reaches, and takes focus to the main content', async ({
  page,
  signInAs,
}) => {
  await signInAs('viewer')
  await page.goto('/reports/performance')
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to main content' })
  await expect(skip).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/#main-content$/)
  await expect(page.locator('#main-content')).toBeFocused()
})
