/**
 * The allotments of flash sales (`flash_sales`, one document per SKU): what is left of the units a
 * merchant carved out of a SKU's stock. Reservations take from it and releases during the sale give back
 * to it, each by one update of the sale document inside the caller's transaction, which read the
 * document first: a concurrent writer of the same allotment makes one of the two transactions conflict
 * and retry, so units are never taken twice. The stock ledger records these moves (`allotted`).
 */
import { asFlashSale, type FlashSale } from '../miniprogram/domain/flash-sale';
import { db, type TxCollections } from './cloud';
import { COLLECTIONS, txGet } from './db';
import { digestId } from './ids';

/** The sale document of a SKU (the same id for every sale the SKU has). */
export function flashSaleDocId(productId: string, skuId: string): string {
  return `F${digestId(`flash\u0000${productId}\u0000${skuId}`, 23)}`;
}

export const allotmentKey = (productId: string, skuId: string) => `${productId}\u0000${skuId}`;

/** Active sales a checkout takes units from, by allotmentKey, as its transaction read them. */
export type Allotments = ReadonlyMap<string, FlashSale>;

export const NO_ALLOTMENTS: Allotments = new Map();

/**
 * Takes `qty` units from the sale's allotment (read in this transaction): one update of its document.
 * The checkout refused a short allotment from the same read (FLASH_SOLD_OUT), so a short one here is a bug.
 */
export async function takeAllotmentTx(tx: TxCollections, sale: FlashSale, qty: number): Promise<void> {
  if (sale.remaining < qty) throw new Error(`flash sale ${sale.saleId}: taking ${qty} from an allotment of ${sale.remaining}`);
  await tx.collection(COLLECTIONS.flashSales).doc(sale._id).update({ data: { remaining: db().command.inc(-qty) } });
}

/**
 * Gives `qty` units of an unpaid order back to its sale's allotment, when that sale is still the SKU's
 * and its allotment has not gone back to stock. False (nothing written) otherwise: the units then go
 * to the SKU's stock.
 */
export async function returnToAllotmentTx(tx: TxCollections, productId: string, skuId: string, saleId: string, qty: number): Promise<boolean> {
  const sale = asFlashSale(await txGet(tx, COLLECTIONS.flashSales, flashSaleDocId(productId, skuId)));
  if (!sale || sale.saleId !== saleId || sale.ended) return false;
  await tx.collection(COLLECTIONS.flashSales).doc(sale._id).update({ data: { remaining: db().command.inc(qty) } });
  return true;
}
