/**
 * The merchant schedules a flash sale from the console (Chromium, Los Angeles time zone: the form and
 * the list read UTC+8), sees it in the list with its allotment out of the SKU's stock, is told in
 * Chinese when the sale price is not below the SKU's price, and cancels it before its start (the
 * allotment goes back). Screenshots at phone and desktop widths.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { artifactsDir } from '../support/artifacts';
import { useConsole } from './harness';

jest.setTimeout(180_000);

const ui = useConsole({ timezoneId: 'America/Los_Angeles' });
const SHOTS = artifactsDir('console');

async function shots(name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await ui.page.evaluate(`document.getElementById('toast').textContent = ''`);
  for (const [size, viewport] of [['desktop', { width: 1400, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
    await ui.page.setViewportSize(viewport);
    await ui.page.screenshot({ path: path.join(SHOTS, `${name}-${size}.png`), fullPage: true });
  }
  await ui.page.setViewportSize({ width: 1400, height: 900 });
}

const stockOf = async (productId: string, skuId: string) => ((await ui.db().collection('products').doc(productId).get()).data[0].skus as { skuId: string; stock: number }[]).find((s) => s.skuId === skuId)!.stock;

test('schedule a flash sale, refused with the reason first, then listed; cancelled before its start, its allotment goes back', async () => {
  await ui.open('#/flash-sales');
  const page = ui.page;
  await page.selectOption('#flash-product', 'demo-p02');
  const skuId = await page.locator('#flash-sku').inputValue();
  const before = await stockOf('demo-p02', skuId);
  // The form proposes the next full hour for an hour, in China time.
  const start = await page.locator('#flash-start').inputValue();
  const startMs = Date.parse(`${start}:00+08:00`);
  expect(startMs % 3600_000).toBe(0);
  expect(startMs).toBeGreaterThan(Date.now());

  await page.fill('#flash-price', '999');
  await page.fill('#flash-allotment', '3');
  await page.click('#flash-schedule');
  await page.locator('#flash-error:not(:empty)').waitFor();
  await expect(page.locator('#flash-error').textContent()).resolves.toMatch(/秒杀设置有误：秒杀价必须大于 0 且低于原价 ¥\d+\.\d\d/);
  expect(await stockOf('demo-p02', skuId)).toBe(before);

  await page.fill('#flash-price', '9.90');
  await page.click('#flash-schedule');
  const row = page.locator('#flash-table tbody tr[data-sale]');
  await row.waitFor();
  const cells = await row.locator('td').allTextContents();
  expect(cells.slice(1, 5)).toEqual([skuId, '¥9.90', '3', '3']);
  expect(cells[5]).toContain(start.replace('T', ' '));
  expect(cells[7]).toBe('未开始');
  expect(await stockOf('demo-p02', skuId)).toBe(before - 3);
  await shots('flash-sales');

  await row.locator('button', { hasText: '取消秒杀' }).click();
  await row.locator('td.flash-phase-ended').waitFor();
  expect(await row.locator('td.flash-phase-ended').textContent()).toBe('已结束');
  expect(await stockOf('demo-p02', skuId)).toBe(before);
  const sales = (await ui.db().collection('flash_sales').where({ productId: 'demo-p02' }).get()).data;
  expect(sales).toEqual([expect.objectContaining({ ended: true, remaining: 0 })]);
});
