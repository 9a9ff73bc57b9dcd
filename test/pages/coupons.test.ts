// Coupons on the page side: the shopper's list (error with retry, tabs, empty states) and the claim
// component (claims, the server's refusal shown with the template as it now is).
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import type { ClaimableCoupon } from '../../typings/api';
import type { CouponView } from '../../typings/domain';
import { cleanupTemp, installWx, renderComponent, renderPage, settle } from '../support/mp-harness';
import { cloudOf, fail, ok, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

const NOW = Date.now();
const coupon = (id: string, status: CouponView['status'], extra: Partial<CouponView> = {}): CouponView => ({
  _id: id, templateId: 't1', title: `券${id}`, kind: 'amount', amountOff: 2000, threshold: 10000, scope: { kind: 'all' }, validFrom: NOW, validUntil: NOW + 86_400_000, status, claimedAt: NOW, ...extra,
});
const template = (id: string, extra: Partial<ClaimableCoupon> = {}): ClaimableCoupon => ({
  templateId: id, title: `模板${id}`, kind: 'percent', percentOff: 15, threshold: 0, scope: { kind: 'all' }, validity: { kind: 'days', days: 7 }, remaining: 5, held: 0, perShopperLimit: 1, ...extra,
});

test('the list: a failed load offers retry; tabs by status with counts; an empty tab says so', async () => {
  let down = true;
  const fake = installWx(cloudOf({ 'orders.myCoupons': () => (down ? fail('UNAVAILABLE', '网络不太稳定') : ok({ coupons: [coupon('a', 'available'), coupon('b', 'available'), coupon('c', 'used', { orderId: 'o1' })] })) }));
  const page = renderPage('../pages-coupons/list', fake);
  await settle(5);
  expect(page.instance.data.status).toBe('error');
  down = false;
  // The state component's retry (its tap is tested with the component) calls the page's onRetry.
  (page.instance as unknown as { onRetry(): void }).onRetry();
  await settle(5);
  expect(page.querySelectorAll('.coupon-item').length).toBe(2);
  expect(text(page.querySelector('#tab-available'))).toBe('可使用2');
  expect(text(page.querySelector('#coupon-list'))).toContain('减20元');
  page.querySelector('#tab-used')!.dispatchEvent('tap');
  await settle();
  expect(page.querySelectorAll('.coupon-item').length).toBe(1);
  expect(text(page.querySelector('#coupon-list'))).toContain('已使用');
  page.querySelector('#tab-expired')!.dispatchEvent('tap');
  await settle();
  expect(page.instance.data).toMatchObject({ status: 'empty', message: '没有过期的优惠券' });
  page.detach();
});

test('the claim component: shows a product\'s coupons, claims one, and shows a refusal with the template as it is now', async () => {
  const fake = installWx(
    cloudOf({
      'orders.claimableCoupons': (req) => (req.productId === 'p1' ? ok({ templates: [template('t1'), template('t2', { kind: 'amount', amountOff: 500, percentOff: undefined })] }) : ok({ templates: [] })),
      'orders.claimCoupon': (req) =>
        req.templateId === 't1'
          ? ok({ coupon: coupon('c1', 'available'), template: template('t1', { held: 1, refusal: '已达到每人限领数量' }) })
          : fail('INVALID_STATE', '优惠券已被领完', { reason: 'CLAIMED_OUT', template: template('t2', { remaining: 0, refusal: '优惠券已被领完' }) }),
    }),
  );
  const comp = renderComponent('coupon-claim', { productId: 'p1' });
  await settle(5);
  expect(text(comp.querySelector('#claim-t1'))).toBe('立即领取');
  expect(text(comp.querySelector('#coupon-claim'))).toContain('8.5折');
  comp.querySelector('#claim-t1')!.dispatchEvent('tap');
  await settle(5);
  expect(fake.toasts.pop()).toBe('领取成功');
  expect(text(comp.querySelector('#claim-t1'))).toBe('已领取');
  comp.querySelector('#claim-t2')!.dispatchEvent('tap');
  await settle(5);
  expect(fake.toasts.pop()).toBe('优惠券已被领完');
  expect(text(comp.querySelector('#claim-t2'))).toBe('已领完');

  // Nothing to claim: the component shows nothing at all.
  const none = renderComponent('coupon-claim', { productId: 'p2' });
  await settle(5);
  expect(none.querySelector('#coupon-claim')).toBeFalsy();
});

test('on a campaign page each claim names the campaign; elsewhere it names none', async () => {
  const fake = installWx(
    cloudOf({
      'orders.claimableCoupons': () => ok({ templates: [template('t1', { kind: 'amount', amountOff: 500, percentOff: undefined })] }),
      'orders.claimCoupon': (req) => ok({ coupon: coupon('c1', 'available'), template: template('t1', { held: 1, refusal: '已达到每人限领数量' }), ...(req.campaignId ? { campaignId: req.campaignId } : {}) }),
    }),
  );
  const onCampaign = renderComponent('coupon-claim', { templateIds: ['t1'], campaignId: 'spring' });
  await settle(5);
  onCampaign.querySelector('#claim-t1')!.dispatchEvent('tap');
  await settle(5);
  const onProduct = renderComponent('coupon-claim', { productId: 'p1' });
  await settle(5);
  onProduct.querySelector('#claim-t1')!.dispatchEvent('tap');
  await settle(5);
  expect(fake.calls.filter((c) => c.data.action === 'claimCoupon').map((c) => c.data)).toEqual([
    { action: 'claimCoupon', templateId: 't1', campaignId: 'spring' },
    { action: 'claimCoupon', templateId: 't1' },
  ]);
});
