/**
 * The order lifecycle (pure): the transition table, the patch each event writes, statuses and how a
 * shopper reads them. The server's order presenter (server/order-presenter.ts) reads it for the labels
 * and buttons it sends with each order, and the console for its own; the checks on every status write
 * (creation, the stamps an event may set) are in order-writes.ts, which only the server and its tests
 * load.
 */
import type { OrderStatus } from '../../typings/domain';

/** Everything that can happen to an order. */
export type OrderEvent = 'pay' | 'ship' | 'confirmReceipt' | 'cancel' | 'expire' | 'refundAll'
  // Store pickup: the merchant verified the pickup code and handed the goods over.
  | 'pickUp'
  // Group buying: paid into a forming group, the group formed, the group's window ended short.
  | 'payGroup' | 'groupFormed' | 'groupFail';

/** The timestamps a transition writes (epoch ms), besides `updatedAt`. */
export type OrderStamp = 'paidAt' | 'shippedAt' | 'completedAt' | 'cancelledAt' | 'expiredAt' | 'refundedAt'
  | 'pickedUpAt'
  | 'groupPaidAt' | 'groupFormedAt' | 'groupFailedAt';

export interface OrderTransition {
  from: OrderStatus;
  to: OrderStatus;
  stamps: readonly OrderStamp[];
}

/**
 * The whole order lifecycle in one table (event → from, to, stamps):
 * pending_payment → paid → shipped → completed, pending_payment → cancelled | expired, and
 * paid → refunded when every unit is refunded before shipping.
 * Every write of an order's status and its timestamps is built from it (`transitionPatch`).
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderEvent, OrderTransition>> = {
  pay: { from: 'pending_payment', to: 'paid', stamps: ['paidAt'] },
  ship: { from: 'paid', to: 'shipped', stamps: ['shippedAt'] },
  confirmReceipt: { from: 'shipped', to: 'completed', stamps: ['completedAt'] },
  cancel: { from: 'pending_payment', to: 'cancelled', stamps: ['cancelledAt'] },
  expire: { from: 'pending_payment', to: 'expired', stamps: ['expiredAt'] },
  // Every unit asked back before shipping (after-sales): nothing is left to ship.
  refundAll: { from: 'paid', to: 'refunded', stamps: ['refundedAt'] },
  // Store pickup: a paid pickup order is done once collected (nothing is shipped, nothing to confirm).
  pickUp: { from: 'paid', to: 'completed', stamps: ['pickedUpAt'] },
  // Group buying (domain/groups.ts): a group order's payment waits in `grouping` (it cannot ship) until
  // the group's last place is paid (that order goes straight to paid by `pay`, the others by
  // `groupFormed`); when the group's window ends short every paid member is refunded in full.
  payGroup: { from: 'pending_payment', to: 'grouping', stamps: ['groupPaidAt'] },
  groupFormed: { from: 'grouping', to: 'paid', stamps: ['groupFormedAt'] },
  groupFail: { from: 'grouping', to: 'refunded', stamps: ['groupFailedAt'] },
};

export type TransitionPatch = { status: OrderStatus; updatedAt: number } & Partial<Record<OrderStamp, number>>;

/**
 * The fields `event` writes on an order that is in `status`, at time `now`: the new status, the
 * event's stamps and `updatedAt`. Null when the event is not allowed from that status.
 */
export function transitionPatch(status: OrderStatus, event: OrderEvent, now: number): TransitionPatch | null {
  const rule = ORDER_TRANSITIONS[event];
  if (rule.from !== status) return null;
  const patch: TransitionPatch = { status: rule.to, updatedAt: now };
  for (const stamp of rule.stamps) patch[stamp] = now;
  return patch;
}

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'pending_payment',
  'paid',
  'shipped',
  'completed',
  'cancelled',
  'expired',
  'refunded',
  'grouping',
];

/** Statuses after which the reserved stock has gone back to the shelf. */
export const STOCK_RELEASED_STATUSES: readonly OrderStatus[] = ['cancelled', 'expired'];

export const ORDER_STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '待收货',
  completed: '已完成',
  cancelled: '已取消',
  expired: '已过期',
  refunded: '已退款',
  grouping: '待成团',
};

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

export function isOrderEvent(value: unknown): value is OrderEvent {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ORDER_TRANSITIONS, value);
}

/** The status an event leads to from `status`, or null when the event is not allowed there. */
export function nextStatus(status: OrderStatus, event: OrderEvent): OrderStatus | null {
  const rule = ORDER_TRANSITIONS[event];
  return rule.from === status ? rule.to : null;
}

/** Events allowed from a status (drives which buttons a page or the console shows). */
export function allowedEvents(status: OrderStatus): OrderEvent[] {
  return (Object.keys(ORDER_TRANSITIONS) as OrderEvent[]).filter((event) => ORDER_TRANSITIONS[event].from === status);
}

/** Milliseconds until an unpaid order expires (0 when due or not pending). */
export function msUntilExpiry(order: { status: OrderStatus; expireAt: number }, now: number): number {
  if (order.status !== 'pending_payment') return 0;
  return Math.max(0, order.expireAt - now);
}

/* Store pickup: a paid pickup order waits to be collected, not shipped. */

export const PICKUP_STATUS_LABELS: Readonly<Partial<Record<OrderStatus, string>>> = { paid: '待提货', completed: '已提货' };

/** The status as the shopper reads it, for express and pickup orders alike. */
export function orderStatusLabel(order: { status: OrderStatus; fulfilment?: string }): string {
  return (order.fulfilment === 'pickup' && PICKUP_STATUS_LABELS[order.status]) || ORDER_STATUS_LABELS[order.status];
}
