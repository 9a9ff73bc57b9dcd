/**
 * The merchant schedules a flash sale from the console (Chromium, Los Angeles time zone: the form and
 * the list read UTC+8), sees it in the list with its allotment out of the SKU's stock, is told in
 * Chinese when the sale price is not below the SKU's price, and cancels it before its start (the
 * allotment goes back). Screenshots at phone and desktop widths.
 */
import { useConsole } from './harness';

jest.setTimeout(180_000);

const ui = useConsole({ timezoneId: 'America/Los_Angeles' });

const stockOf = async (productId: string, skuId: string) => ((await ui.db().collection('products').doc(productId).get()).data[0].skus as { skuId: string; stock: number }[]).find((s) => s.skuId === skuId)!.stock;

test('schedule a flash sale, refused with the reason first, then listed; cancelled before its start, its allotment goes back', async () => {
  await ui.open('#/flash-sales');
  const page = ui.page;
  await page.selectOption('#flash-product', 'demo-p02');
  const skuId = await page.locator('#flash-sku').inputValue();
  const before = await stockOf('demo-p02', skuId);
  // The form proposes the next full hour for an hour, in China time.
  const start = await page.locator('#flash-start').inputValue();
  expect(start).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:00$/);
  const startMs = Date.parse(`${start.replace(' ', 'T')}:00+08:00`);
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
  expect(cells[5]).toContain(start);
  expect(cells[7]).toBe('未开始');
  expect(await stockOf('demo-p02', skuId)).toBe(before - 3);
  await ui.shots('flash-sales');

  await row.locator('button', { hasText: '取消秒杀' }).click();
  await row.locator('td.flash-phase-ended').waitFor();
  expect(await row.locator('td.flash-phase-ended').textContent()).toBe('已结束');
  expect(await stockOf('demo-p02', skuId)).toBe(before);
  const sales = (await ui.db().collection('flash_sales').where({ productId: 'demo-p02' }).get()).data;
  expect(sales).toEqual([expect.objectContaining({ ended: true, remaining: 0 })]);
});

test('a start and an end entered in a browser in Los Angeles are stored as the China times the merchant meant', async () => {
  await ui.open('#/flash-sales');
  const page = ui.page;
  await page.selectOption('#flash-product', 'demo-p03');
  // Typed loosely, tidied year first on leaving the field, read as China time (UTC+8), not the browser's.
  await page.fill('#flash-start', '2027/1/5 9:00');
  await page.locator('#flash-start').blur();
  await expect(page.locator('#flash-start').inputValue()).resolves.toBe('2027-01-05 09:00');
  // The end comes from the browser's own picker (its value is zone-free: "2027-01-05T21:30").
  // (Forced: the picker's own input is never shown; the calendar button opens its pop-up.)
  await page.locator('#flash-end ~ .time-native').fill('2027-01-05T21:30', { force: true });
  await expect(page.locator('#flash-end').inputValue()).resolves.toBe('2027-01-05 21:30');
  await page.fill('#flash-price', '1.00');
  await page.fill('#flash-allotment', '1');
  await page.click('#flash-schedule');
  await page.locator('#flash-table tbody tr[data-sale]', { hasText: '2027-01-05 09:00 – 2027-01-05 21:30' }).waitFor();
  const [sale] = (await ui.db().collection('flash_sales').where({ productId: 'demo-p03' }).get()).data;
  expect(sale).toMatchObject({ startAt: Date.UTC(2027, 0, 5, 1, 0), endAt: Date.UTC(2027, 0, 5, 13, 30) });

  // A day that does not exist is refused before anything is sent.
  await page.fill('#flash-start', '2027-02-30 09:00');
  await page.click('#flash-schedule');
  await expect(page.locator('#flash-error').textContent()).resolves.toBe('开始和结束时间须为北京时间，写作如 2026-03-02 14:00');
});
