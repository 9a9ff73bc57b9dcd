/**
 * One coupon, drawn the same wherever it appears (claiming, the shopper's list, checkout): its value,
 * threshold, name, scope and validity from a `CouponCard` (pages-shop/utils/coupon-view), and a slot on the right
 * for what can be done with it (claim, choose).
 */
Component({
  options: { multipleSlots: true },
  properties: {
    card: { type: Object, value: {} },
  },
});
