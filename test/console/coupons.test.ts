/**
 * The coupons view as a merchant uses it, in headless Chromium: define a coupon in the form (a bad one
 * is refused field by field, nothing saved), see it listed with its claims, stop and resume claims.
 * Screenshots at phone and desktop widths go to the artifacts folder.
 */
import { call, dataOf } from '../support';
import { useConsole } from './harness';

jest.setTimeout(180_000);

const ui = useConsole();

test('define a coupon, see its claims, stop and resume it; a bad one is refused by field', async () => {
  const page = ui.page;
  await ui.open('#/coupons');
  await page.locator('#coupons-table').getByText('还没有优惠券').waitFor();

  // Percent off without a percent, and a category scope without ids: both named, nothing saved.
  await page.fill('#coupon-id', 'bad-1');
  await page.fill('#coupon-title', '坏券');
  await page.selectOption('#coupon-kind', 'percent');
  await page.selectOption('#coupon-scope', 'categories');
  await page.click('#coupon-create');
  const error = page.locator('#coupons-error');
  await error.locator('li[data-field="percentOff"]').waitFor();
  expect(await error.locator('li[data-field="scope.ids"]').count()).toBe(1);
  expect(await ui.db().collection('coupon_templates').where({ _id: 'bad-1' }).count().then((r: { total: number }) => r.total)).toBe(0);
  await ui.shots('coupons-refused');

  await page.fill('#coupon-id', 'spring-20');
  await page.fill('#coupon-title', '满100减20');
  await page.selectOption('#coupon-kind', 'amount');
  await page.fill('#coupon-amount', '20');
  await page.fill('#coupon-threshold', '100');
  await page.selectOption('#coupon-scope', 'all');
  await page.fill('#coupon-total', '50');
  await page.fill('#coupon-per-shopper', '2');
  await page.click('#coupon-create');
  const row = page.locator('tr.coupon-row[data-id="spring-20"]');
  await row.waitFor();
  expect(await row.innerText()).toContain('减20元');
  const stored = (await ui.db().collection('coupon_templates').doc('spring-20').get()).data[0];
  expect(stored).toMatchObject({ kind: 'amount', amountOff: 2000, threshold: 10000, totalLimit: 50, perShopperLimit: 2, claimed: 0, status: 'active', validity: { kind: 'days', days: 7 } });

  // A shopper claims one: the view counts it.
  dataOf(await call(ui.cloud, 'orders', { action: 'claimCoupon', templateId: 'spring-20' }, 'oCONSOLE'));
  await page.click('#refresh-coupons');
  await page.locator('tr.coupon-row[data-id="spring-20"] .coupon-claimed', { hasText: '已领 1/50' }).waitFor();
  await ui.shots('coupons');

  await row.locator('button.coupon-stop').click();
  await page.locator('tr.coupon-row[data-id="spring-20"][data-status="stopped"]').waitFor();
  const claim = await call(ui.cloud, 'orders', { action: 'claimCoupon', templateId: 'spring-20' }, 'oCONSOLE2');
  expect(claim.ok ? null : claim.error.message).toBe('该优惠券已停止发放');
  await page.locator('tr.coupon-row[data-id="spring-20"] button.coupon-resume').click();
  await page.locator('tr.coupon-row[data-id="spring-20"][data-status="active"]').waitFor();
  expect((await ui.db().collection('coupon_templates').doc('spring-20').get()).data[0]).toMatchObject({ status: 'active', claimed: 1, title: '满100减20' });
});
