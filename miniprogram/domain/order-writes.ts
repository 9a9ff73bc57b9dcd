/**
 * What a write of an order's status may be (pure, the server's side): the status an order is created
 * in, and the check that each status write is creation or exactly one event of the table in
 * order-state.ts with exactly its stamps. Apart from order-state.ts so the pages do not load it.
 */
import type { OrderStatus } from '../../typings/domain';
import { isOrderEvent, isOrderStatus, ORDER_TRANSITIONS, type OrderEvent } from './order-state';

/** The status every order starts in. */
export const INITIAL_ORDER_STATUS = 'pending_payment' satisfies OrderStatus;

/** What a write of an order's status names as its cause: creation or one event of the table. */
export type StatusCause = 'create' | OrderEvent;

export type CreationPatch = { status: typeof INITIAL_ORDER_STATUS; createdAt: number; updatedAt: number };

/** The status and stamps an order is created with, at time `now`. */
export function creationPatch(now: number): CreationPatch {
  return { status: INITIAL_ORDER_STATUS, createdAt: now, updatedAt: now };
}

/**
 * Whether a write that moved an order from `before` (null: the order did not exist) to `after` is what
 * `cause` allows: creation starts in pending_payment, an event goes exactly from its row's `from` to
 * its `to`.
 */
export function isAllowedStatusWrite(before: OrderStatus | null, after: OrderStatus, cause: unknown): boolean {
  if (cause === 'create') return before === null && after === INITIAL_ORDER_STATUS;
  return isOrderEvent(cause) && ORDER_TRANSITIONS[cause].from === before && ORDER_TRANSITIONS[cause].to === after;
}

/** The fields of an order that only its status writer changes: status, its cause, and every stamp of the table. */
export const STATUS_FIELDS: readonly string[] = ['status', 'statusEvent', 'createdAt', ...new Set(Object.values(ORDER_TRANSITIONS).flatMap((t) => t.stamps))];

/**
 * Checks one write of an order's status fields (STATUS_FIELDS before and after it; null: no document):
 * null when it is what creation or a table event writes (status moved as its cause allows, exactly the
 * cause's stamps set), else what is wrong with it.
 */
export function statusWriteProblem(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string | null {
  if (!after) return 'the order was removed';
  const was = before && isOrderStatus(before.status) ? before.status : null;
  const cause = after.statusEvent;
  if (!isOrderStatus(after.status) || was === after.status) return `status fields changed without a status change (${String(was)} → ${String(after.status)})`;
  if (!isAllowedStatusWrite(was, after.status, cause)) return `${String(was)} → ${after.status} is not what ${JSON.stringify(cause)} does`;
  const stamps: readonly string[] = cause === 'create' ? ['createdAt'] : ORDER_TRANSITIONS[cause as OrderEvent].stamps;
  for (const field of STATUS_FIELDS) {
    if (field === 'status' || field === 'statusEvent') continue;
    if (stamps.includes(field)) {
      if (typeof after[field] !== 'number') return `${String(cause)} did not stamp ${field}`;
    } else if (JSON.stringify(before ? before[field] : undefined) !== JSON.stringify(after[field])) return `${String(cause)} wrote ${field}, which is not its stamp`;
  }
  return null;
}
