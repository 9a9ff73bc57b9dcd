/** The figures of the shopper's "我的" page, counted on the server for the caller only. */
import type { ActionResponse } from '../typings/api';
import type { OrderStatus } from '../typings/domain';
import { ORDER_STATUSES } from '../miniprogram/domain/order-state';
import { db } from './cloud';
import { COLLECTIONS } from './db';
import { mine } from './coupons';

export async function meSummary(openid: string): Promise<ActionResponse<'orders', 'meSummary'>> {
  const orders = db().collection(COLLECTIONS.orders);
  const [byStatus, afterSales, coupons] = await Promise.all([
    Promise.all(ORDER_STATUSES.map((status) => orders.where({ _openid: openid, status }).count())),
    orders.where({ _openid: openid, afterSales: db().command.exists(true) }).count(),
    mine(openid, { status: 'available' }),
  ]);
  const counts = {} as Record<OrderStatus, number>;
  ORDER_STATUSES.forEach((status, i) => {
    counts[status] = byStatus[i].total;
  });
  return { orders: counts, afterSales: afterSales.total, coupons: coupons.coupons.length };
}
