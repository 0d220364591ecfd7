import { expect, test } from './fixtures'

test('signs in as an org user and shows the sandbox badge @contacts', async ({ page, greenline }) => {
  await page.goto(greenline.host.openUrl)
  await page.getByTestId('sign-in-sam').click()
  await expect(page.getByTestId('nav-messages')).toBeVisible()
  await expect(page.getByTestId('sandbox-badge')).toBeVisible()
})
