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
import { creationPatch, isAllowedStatusWrite, statusWriteProblem, STATUS_FIELDS } from '../../miniprogram/domain/order-writes';

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
    // payGroup: the payment of a group order (the payment callback's, never a button).
    expect(allowedEvents('pending_payment').sort()).toEqual(['cancel', 'expire', 'pay', 'payGroup']);
  });

  test('group buying: a group order waits in grouping (nothing ships from there), then is paid or refunded', () => {
    expect(nextStatus('pending_payment', 'payGroup')).toBe('grouping');
    expect(nextStatus('grouping', 'groupFormed')).toBe('paid');
    expect(nextStatus('grouping', 'groupFail')).toBe('refunded');
    expect(allowedEvents('grouping').sort()).toEqual(['groupFail', 'groupFormed']);
    expect(nextStatus('grouping', 'ship')).toBeNull();
    expect(nextStatus('grouping', 'cancel')).toBeNull();
    expect(ORDER_STATUS_LABELS.grouping).toBe('待成团');
    expect(transitionPatch('grouping', 'groupFail', 4)).toEqual({ status: 'refunded', groupFailedAt: 4, updatedAt: 4 });
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

describe('the rule for a write of an order status (checked on the write log)', () => {
  const created = { ...creationPatch(1000), statusEvent: 'create' };
  const paid = { ...created, status: 'paid', paidAt: 2000, statusEvent: 'pay' };

  test('creation and each event of the table, with exactly its stamps', () => {
    expect(created).toEqual({ status: 'pending_payment', createdAt: 1000, updatedAt: 1000, statusEvent: 'create' });
    expect(statusWriteProblem(null, created)).toBeNull();
    expect(statusWriteProblem(created, paid)).toBeNull();
    expect(statusWriteProblem(paid, { ...paid, status: 'shipped', shippedAt: 3000, statusEvent: 'ship' })).toBeNull();
    for (const [event, rule] of Object.entries(ORDER_TRANSITIONS)) {
      expect(isAllowedStatusWrite(rule.from, rule.to, event)).toBe(true);
      expect(isAllowedStatusWrite(rule.to, rule.from, event)).toBe(false);
    }
    expect(isAllowedStatusWrite(null, 'pending_payment', 'create')).toBe(true);
    expect(isAllowedStatusWrite('cancelled', 'pending_payment', 'create')).toBe(false);
    expect(STATUS_FIELDS).toEqual(expect.arrayContaining(['status', 'statusEvent', 'createdAt', 'paidAt', 'shippedAt', 'completedAt', 'cancelledAt', 'expiredAt']));
  });

  test('anything else is named: a move its cause does not make, a stamp it does not write, a removal', () => {
    expect(statusWriteProblem(created, { ...created, status: 'cancelled', cancelledAt: 2000 })).toBe('pending_payment → cancelled is not what "create" does');
    expect(statusWriteProblem(created, { ...created, status: 'shipped', shippedAt: 2000, statusEvent: 'ship' })).toBe('pending_payment → shipped is not what "ship" does');
    expect(statusWriteProblem(created, { ...paid, completedAt: 2000 })).toBe('pay wrote completedAt, which is not its stamp');
    expect(statusWriteProblem(created, { ...paid, paidAt: undefined })).toBe('pay did not stamp paidAt');
    expect(statusWriteProblem(paid, { ...paid, paidAt: 5000 })).toBe('status fields changed without a status change (paid → paid)');
    expect(statusWriteProblem(null, { ...paid })).toBe('null → paid is not what "pay" does');
    expect(statusWriteProblem(paid, null)).toBe('the order was removed');
  });
});
