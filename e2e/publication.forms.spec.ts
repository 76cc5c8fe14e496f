import { expect, test } from './fixtures.ts'

/**
 * Reviewing data owners' commentary that disclosure control withholds from the public page. The partnership analyst
 * imports commentary for two KPIs that puts a small number beside a word that can identify someone (so both are
 * withheld), releases one as written, and rewords the other: first with a wording that still names a small number
 * (refused with an error summary and an inline error), then with a clean one. The decisions wait for the next
 * publication: the analyst approves an amendment with its reason and the board signs it off. Signed out, the public
 * page then shows the released commentary and the partnership's wording. Runs with JavaScript on and off (the `no-javascript` project),
 * each on two KPIs of its own, as they share one server and database. Figures are the demo's 2017/18 Q4 values.
 */
const HEADER = 'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary'

test('publication: release one withheld commentary, reword another after a refused wording', async ({
  page,
  signInAs,
}, testInfo) => {
  const project = testInfo.project.name
  const [released, reworded] =
    project === 'no-javascript'
      ? [
          { id: 'marac-referrals', name: 'MARAC', value: 191 },
          { id: 'home-safety-checks', name: 'Home safety', value: 542 },
        ]
      : [
          { id: 'prevent-referrals', name: 'Prevent', value: 11 },
          { id: 'sarc-referrals', name: 'SARC', value: 16 },
        ]
  const releasedText = `Referrals rose this quarter (${project}). Two girls aged 14 were referred by their school.`
  const withheldText = `Referrals fell this quarter (${project}). 3 women aged over 80 were referred.`
  const wording = `Referrals fell this quarter (${project}).`

  // The commentary arrives with the quarter's figures (unchanged): both are flagged and withheld.
  await signInAs('partnership-analyst')
  await page.goto('/imports')
  const values =
    `${HEADER}\n` +
    `${released.id},FY2017-18-Q4,${released.value},,,,,,,"${releasedText}"\n` +
    `${reworded.id},FY2017-18-Q4,${reworded.value},,,,,,,"${withheldText}"\n`
  await page.locator('#files').setInputFiles({ name: 'values.csv', mimeType: 'text/csv', buffer: Buffer.from(values) })
  await page.getByRole('button', { name: 'Upload and check' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check the import')
  await page.getByRole('button', { name: 'Confirm and import' }).click()
  await expect(page.locator('.govuk-notification-banner')).toContainText(/Import \d+ applied\./)

  await page.goto('/publication/2017-18')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Publication of the 2017/18 report')
  const first = page.locator(`#commentary-${released.id}`)
  await expect(first).toContainText(releasedText)
  await expect(first).toContainText('Withheld: awaiting review')
  await expect(first.locator('.govuk-summary-list')).toContainText('“Two” beside “girls”')

  // Released as written.
  await first.getByLabel('Release the commentary as written').check()
  await first.getByRole('button', { name: /Save decision/ }).click()
  await expect(page).toHaveURL(/\/publication\/2017-18(#commentary-[a-z-]+)?$/)
  await expect(page.locator('.govuk-notification-banner')).toContainText(
    'Your decision about the commentary has been recorded.',
  )
  await expect(page.locator(`#commentary-${released.id}`)).toContainText('Published as written')
  await expect(page.locator(`#commentary-${released.id}`)).toContainText('Waits for the next publication')

  // Reworded: a wording that still names a small number of people is refused, and what was typed is kept.
  const second = page.locator(`#commentary-${reworded.id}`)
  await expect(second.locator('.govuk-summary-list')).toContainText('“3” beside “women”')
  await second.getByLabel('Publish a different wording instead').check()
  await second.getByLabel('Wording to publish').fill('Referrals fell; 3 women were referred.')
  await second.getByRole('button', { name: /Save decision/ }).click()
  await expect(page).toHaveTitle(/^Error: /)
  const summary = page.locator('.govuk-error-summary')
  await expect(summary).toContainText('There is a problem')
  const message =
    'The wording puts “3” beside “women”, which could identify someone: leave out numbers of people below 5'
  await expect(summary.getByRole('link', { name: message })).toHaveAttribute('href', `#publicText-${reworded.id}`)
  await expect(page.locator(`#publicText-${reworded.id}-error`)).toContainText('leave out numbers of people below 5')
  await expect(page.locator(`#publicText-${reworded.id}`)).toHaveValue('Referrals fell; 3 women were referred.')
  await expect(page.locator(`#commentary-${reworded.id}`)).toContainText('Withheld: awaiting review')

  await page.locator(`#publicText-${reworded.id}`).fill(wording)
  await page
    .locator(`#commentary-${reworded.id}`)
    .getByRole('button', { name: /Save decision/ })
    .click()
  await expect(page.locator('.govuk-notification-banner')).toContainText(
    'Your decision about the commentary has been recorded.',
  )
  await expect(page.locator(`#commentary-${reworded.id}`)).toContainText('Published in the partnership’s wording')

  // The decisions wait for the next publication (an amendment): the analyst approves it with its reason, the board
  // signs it off. Either approval may already be in the round (the other project's run shares the database): the
  // round completes at whichever comes last, after the decisions above, so the new publication holds them.
  await page.getByLabel('Reason for the amendment').fill(`Commentary reviewed (${project})`)
  await page.getByRole('button', { name: 'Approve the amendment for publication' }).click()
  await expect(page).toHaveURL(/\/publication\/2017-18\?recorded=(yes|already)$/)
  await page.context().clearCookies()
  await signInAs('board-member')
  await page.goto('/publication/2017-18')
  await page.getByRole('button', { name: 'Sign off the amendment for the board' }).click()
  await expect(page.locator('.govuk-notification-banner')).toContainText(
    /Your approval has been recorded\.|You had already given this approval/,
  )

  // Signed out, the public page shows the released commentary and the partnership's wording, not the withheld text.
  await page.context().clearCookies()
  await page.goto('/')
  await expect(page.locator(`#kpi-${released.id}`)).toContainText(releasedText)
  const publicReworded = page.locator(`#kpi-${reworded.id}`)
  await expect(publicReworded).toContainText(wording)
  await expect(publicReworded).toContainText('Worded for publication by the partnership')
  await expect(publicReworded).not.toContainText('3 women')
})
