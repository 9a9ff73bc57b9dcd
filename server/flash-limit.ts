/**
 * The per-shopper limit of flash sales: one counter document per shopper and sale (`flash_buyers`)
 * holding the units of the sale in that shopper's paid and unpaid orders. A checkout reads and raises it
 * inside its transaction (so two checkouts of one shopper cannot both pass the limit: the second
 * writer conflicts and retries against the first one's count); the order's release (cancel, expiry)
 * lowers it in the release's transaction.
 */
import type { Order } from '../typings/domain';
import type { FlashSale } from '../miniprogram/domain/flash-sale';
import { db, type TxCollections } from './cloud';
import { COLLECTIONS, getDoc, txGet } from './db';
import { digestId } from './ids';

export function buyerDocId(saleId: string, openid: string): string {
  return `B${digestId(`flash-buyer\u0000${saleId}\u0000${openid}`, 23)}`;
}

function unitsOf(doc: Record<string, unknown> | null): number {
  return doc && typeof doc.units === 'number' && Number.isSafeInteger(doc.units) && doc.units > 0 ? doc.units : 0;
}

/** Units the shopper holds in the sale now (outside a transaction: for the early refusal only). */
export async function heldUnits(saleId: string, openid: string): Promise<number> {
  return unitsOf(await getDoc(COLLECTIONS.flashBuyers, buyerDocId(saleId, openid)));
}

/** Units the shopper holds in the sale, as this transaction reads them. */
export async function heldUnitsTx(tx: TxCollections, saleId: string, openid: string): Promise<number> {
  return unitsOf(await txGet(tx, COLLECTIONS.flashBuyers, buyerDocId(saleId, openid)));
}

/** Records `qty` more units for the shopper (who held `held` in this transaction's read). */
export async function claimUnitsTx(tx: TxCollections, sale: FlashSale, openid: string, held: number, qty: number): Promise<void> {
  await tx.collection(COLLECTIONS.flashBuyers).doc(buyerDocId(sale.saleId, openid)).set({ data: { saleId: sale.saleId, productId: sale.productId, skuId: sale.skuId, _openid: openid, units: held + qty } });
}

/** A cancelled or expired order no longer counts against its shopper's limits. */
export async function releaseUnitsTx(tx: TxCollections, order: Pick<Order, '_openid' | 'lines'>): Promise<void> {
  for (const line of order.lines) {
    if (!line.flashSaleId) continue;
    const id = buyerDocId(line.flashSaleId, order._openid);
    const held = unitsOf(await txGet(tx, COLLECTIONS.flashBuyers, id));
    if (held > 0) await tx.collection(COLLECTIONS.flashBuyers).doc(id).update({ data: { units: db().command.inc(-Math.min(held, line.qty)) } });
  }
}
