/**
 * The merchant sets a group deal (拼团) from the console: refused in Chinese when the group price is
 * not below the SKU's, then saved and listed with its size and window. Screenshots at phone and
 * desktop widths.
 */
import { useConsole } from './harness';

jest.setTimeout(180_000);

const ui = useConsole();

test('save a group deal: a price that is no deal is refused with the reason, then the deal is listed', async () => {
  await ui.open('#/group-deals');
  const page = ui.page;
  await page.selectOption('#group-product', 'demo-p02');
  const skuId = await page.locator('#group-sku').inputValue();
  await page.fill('#group-price', '9999');
  await page.click('#group-save');
  await page.locator('#group-error:not(:empty)').waitFor();
  await expect(page.locator('#group-error').textContent()).resolves.toMatch(/拼团价须大于 0 且低于原价 ¥\d+\.\d\d/);
  expect((await ui.db().collection('group_deals').doc('demo-p02').get()).data).toEqual([]);

  await page.fill('#group-price', '9.90');
  await page.fill('#group-size', '3');
  await page.click('#group-save');
  const row = page.locator('#group-table tbody tr[data-deal="demo-p02"]');
  await row.waitFor();
  const cells = await row.locator('td').allTextContents();
  expect(cells.slice(1, 5)).toEqual([`${skuId} ¥9.90`, '3', '24', '进行中']);
  const [stored] = (await ui.db().collection('group_deals').doc('demo-p02').get()).data;
  expect(stored).toMatchObject({ size: 3, windowHours: 24, prices: { [skuId]: 990 }, enabled: true });

  await ui.shots('group-deals');
});
