/**
 * The shopper's pickup code (orders.pickupCode): only the owner of a paid (or collected) pickup order
 * gets it, with a QR code of it for the store to scan (a PNG data URL the order page shows as it is).
 * Kept apart from ./pickup.ts so only the orders function bundles the QR encoder.
 */
import QRCode from 'qrcode';
import type { ActionRequest, ActionResponse } from '../typings/api';
import { pickupQrText } from '../miniprogram/domain/pickup';
import { invalidState } from './errors';
import { loadOwnOrder } from './order-store';

export async function pickupCode(openid: string, req: ActionRequest<'orders', 'pickupCode'>): Promise<ActionResponse<'orders', 'pickupCode'>> {
  const order = await loadOwnOrder(openid, req.orderId);
  const code = order.fulfilment === 'pickup' ? order.pickup?.code : undefined;
  if (!code) throw invalidState('该订单不是到店自提订单', { orderId: order._id });
  if (order.status !== 'paid' && order.status !== 'completed') throw invalidState('订单支付后才有提货码', { status: order.status });
  const qr = await QRCode.toDataURL(pickupQrText(order._id, code), { errorCorrectionLevel: 'M', margin: 1, width: 240 });
  return { code, qr, pickedUpAt: order.pickedUpAt ?? null };
}
