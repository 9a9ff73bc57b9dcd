import type { OrderStatus } from '../../typings/domain';
import {
  allowedEvents,
  isOrderEvent,
  isOrderStatus,
  msUntilExpiry,
  nextStatus,
  ORDER_STATUSES,
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

  test('guards and labels', () => {
    expect(isOrderStatus('paid')).toBe(true);
    expect(isOrderStatus('refunded')).toBe(false);
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
