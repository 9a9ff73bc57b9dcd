/**
 * The shopper's address book (kept on the server, per OPENID) as the pages use it: the checkout asks
 * for the default, the "我的" pages list and change it. The checkout's own calls live in its subpackage
 * (pages-shop/services/addresses.ts). Before the book moved to the server the checkout
 * kept its last address on the phone; that one is moved into the book once, then forgotten locally.
 */
import type { Address } from '../../typings/domain';
import { checkAddress } from '../domain/address';
import { call } from './api';
import { readStorage, removeStorageLater } from '../utils/storage';

/** Where the checkout kept the last address on the phone. */
export const LOCAL_ADDRESS_KEY = 'storefront.address.v1';

/** The shipping fields of a saved address (what an order carries). */
export function plainAddress(saved: Address): Address {
  const out: Address = { name: saved.name, phone: saved.phone, province: saved.province, city: saved.city, district: saved.district, detail: saved.detail };
  if (saved.postalCode) out.postalCode = saved.postalCode;
  return out;
}

/** The address the phone kept from before the book moved to the server (null when none or unusable). */
export function localAddress(): Address | null {
  const checked = checkAddress(readStorage(LOCAL_ADDRESS_KEY));
  return checked.ok ? checked.address : null;
}

/**
 * Moves the address the phone kept into the server book (once: it is forgotten locally as soon as the
 * server has it; an identical address already in the book is not added twice). Resolves false when
 * the server could not be reached, so the local copy stays for the next try.
 */
export async function migrateLocalAddress(): Promise<boolean> {
  const local = localAddress();
  if (!local) return true;
  const res = await call('orders', 'saveAddress', { address: local });
  // A full book will not take it either later: forget it rather than retry on every checkout.
  if (res.ok || res.error.code === 'INVALID_STATE' || res.error.code === 'INVALID_ARGUMENT') {
    removeStorageLater(LOCAL_ADDRESS_KEY);
    return true;
  }
  return false;
}

/** The book, after moving a phone-kept address into it. */
export async function loadAddressBook() {
  await migrateLocalAddress();
  return call('orders', 'addresses', {});
}
