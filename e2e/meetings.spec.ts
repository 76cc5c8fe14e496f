import { expect, test } from './fixtures.ts'

/**
 * The board's meetings (src/board/meeting-*.ts) over the demo's illustrative 2017-18 meetings (loaded after the
 * board's own demo loader): a board member reads a meeting, its agenda pack, attendance per agency and the scrutiny
 * pack; the analyst's refused decision shows a GOV.UK error summary. Every page visited is checked with axe
 * (e2e/fixtures.ts).
 */
test.describe('meetings, decisions and actions', () => {
  test('a board member reads a meeting, its pack, attendance and the scrutiny pack', async ({ page, signInAs }) => {
    await signInAs('board-member')
    await page.goto('/board/meetings')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Meetings')
    await page.getByRole('link', { name: /^12 December 2017/ }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Meeting of 12 December 2017')
    await expect(page.locator('[data-agenda]')).toContainText('Performance report')
    // A board member may see exempt business: the exempt item's title is shown, marked.
    await expect(page.locator('[data-agenda]')).toContainText('Domestic homicide review')
    await expect(page.locator('#matters-arising + table')).toContainText('Report on the rise in knife crime')
    await page.getByRole('link', { name: 'Agenda pack', exact: true }).click()
    await expect(page.getByRole('heading', { level: 1 })).toContainText('agenda pack for 12 December 2017')
    await expect(page.locator('[data-document]')).toContainText('Exempt item')
    await expect(page.locator('[data-document]')).not.toContainText('Domestic homicide review')

    await page.goto('/board/attendance/FY2017-18')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Attendance per agency 2017/18')
    await expect(page.getByRole('link', { name: 'Download the table (CSV)' })).toBeVisible()

    await page.goto('/board/scrutiny/FY2017-18')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Crime and disorder scrutiny pack 2017/18')
    await expect(page.locator('[data-document]')).toContainText('FY2017-18-Q1')
  })

  test('the analyst’s decision without its text is refused with an error summary', async ({ page, signInAs }) => {
    await signInAs('partnership-analyst')
    await page.goto('/board/meetings')
    await page.getByRole('link', { name: /^12 June 2018/ }).click()
    await page.getByText('Record a decision').click()
    await page.locator('#minuteNumber').fill('99')
    await page.getByRole('button', { name: 'Record decision' }).click()
    await expect(page).toHaveTitle(/^Error: /)
    const summary = page.locator('.govuk-error-summary')
    await expect(summary.getByRole('link', { name: 'Enter the resolution as minuted' })).toHaveAttribute(
      'href',
      '#text',
    )
  })
})
