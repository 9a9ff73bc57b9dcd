import type { OrderStatus } from '../../typings/domain';
import {
  allowedEvents,
  isOrderEvent,
  isOrderStatus,
  msUntilExpiry,
  nextStatus,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  transitionPatch,
  ORDER_STATUS_LABELS,
  type OrderEvent,
} from '../../miniprogram/domain/order-state';

describe('order state machine', () => {
  test('the happy path and the two ways out of pending payment', () => {
    expect(nextStatus('pending_payment', 'pay')).toBe('paid');
    expect(nextStatus('paid', 'ship')).toBe('shipped');
    expect(nextStatus('shipped', 'confirmReceipt')).toBe('completed');
    expect(nextStatus('pending_payment', 'cancel')).toBe('cancelled');
    expect(nextStatus('pending_payment', 'expire')).toBe('expired');
  });

  test('every other transition is refused', () => {
    const allowed = new Set(['pending_payment:pay', 'paid:ship', 'shipped:confirmReceipt', 'pending_payment:cancel', 'pending_payment:expire']);
    const events: OrderEvent[] = ['pay', 'ship', 'confirmReceipt', 'cancel', 'expire'];
    for (const status of ORDER_STATUSES) {
      for (const event of events) {
        expect(nextStatus(status, event) !== null).toBe(allowed.has(`${status}:${event}`));
      }
    }
  });

  test('terminal states allow nothing; pending allows pay, cancel, expire', () => {
    const terminal: OrderStatus[] = ['completed', 'cancelled', 'expired'];
    for (const status of terminal) expect(allowedEvents(status)).toEqual([]);
    expect(allowedEvents('pending_payment').sort()).toEqual(['cancel', 'expire', 'pay']);
  });

  test('transitionPatch: the new status, the event\'s own stamp and updatedAt, nothing else', () => {
    expect(transitionPatch('pending_payment', 'pay', 5)).toEqual({ status: 'paid', paidAt: 5, updatedAt: 5 });
    expect(transitionPatch('paid', 'ship', 6)).toEqual({ status: 'shipped', shippedAt: 6, updatedAt: 6 });
    expect(transitionPatch('shipped', 'confirmReceipt', 7)).toEqual({ status: 'completed', completedAt: 7, updatedAt: 7 });
    expect(transitionPatch('pending_payment', 'cancel', 8)).toEqual({ status: 'cancelled', cancelledAt: 8, updatedAt: 8 });
    expect(transitionPatch('pending_payment', 'expire', 9)).toEqual({ status: 'expired', expiredAt: 9, updatedAt: 9 });
    for (const status of ORDER_STATUSES) {
      for (const event of Object.keys(ORDER_TRANSITIONS) as OrderEvent[]) {
        const patch = transitionPatch(status, event, 1);
        expect(patch === null).toBe(nextStatus(status, event) === null);
      }
    }
  });

  test('each timestamp is written by exactly one event', () => {
    const stamps = Object.values(ORDER_TRANSITIONS).flatMap((t) => t.stamps);
    expect(new Set(stamps).size).toBe(stamps.length);
  });

  test('guards and labels', () => {
    expect(isOrderStatus('paid')).toBe(true);
    expect(isOrderStatus('on_hold')).toBe(false);
    expect(isOrderStatus(3)).toBe(false);
    expect(isOrderEvent('ship')).toBe(true);
    expect(isOrderEvent('toString')).toBe(false);
    for (const status of ORDER_STATUSES) expect(ORDER_STATUS_LABELS[status]).toBeTruthy();
  });

  test('countdown to expiry', () => {
    expect(msUntilExpiry({ status: 'pending_payment', expireAt: 10_000 }, 4_000)).toBe(6_000);
    expect(msUntilExpiry({ status: 'pending_payment', expireAt: 10_000 }, 12_000)).toBe(0);
    expect(msUntilExpiry({ status: 'paid', expireAt: 10_000 }, 4_000)).toBe(0);
  });
});
