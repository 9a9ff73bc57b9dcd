/**
 * The checkout's address calls: the address it starts with (the book's default) and remembering what
 * the shopper picked. The book itself is loaded through the shared services/addresses.ts.
 */
import type { Address, SavedAddress } from '../../../typings/domain';
import { call } from '../../services/api';
import { loadAddressBook, localAddress, plainAddress } from '../../services/addresses';

/**
 * The address a checkout starts with: the book's default. Without the server (offline) the address the
 * phone still keeps, so the shopper is not asked again for it.
 */
export async function checkoutAddress(): Promise<Address | null> {
  const res = await loadAddressBook();
  if (!res.ok) return localAddress();
  const chosen: SavedAddress | undefined = res.data.addresses.find((a) => a.isDefault) || res.data.addresses[0];
  return chosen ? plainAddress(chosen) : null;
}

/**
 * An address the shopper picked or typed at checkout goes into the book (not as the default); the
 * order carries its own copy, so a failure here loses nothing.
 */
export function rememberAddress(address: Address): void {
  call('orders', 'saveAddress', { address: plainAddress(address) }).catch(() => undefined);
}
