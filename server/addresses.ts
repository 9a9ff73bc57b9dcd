/**
 * The shopper's address book on the server (collection `address_books`): one document per shopper, its
 * id derived from the caller's OPENID, so a shopper can only ever read and change their own book. Every
 * change reads and writes that document in one transaction: concurrent changes of one book conflict and
 * retry, so the limit holds and there is always exactly one default.
 */
import type { ActionRequest, ActionResponse, AddressBookView } from '../typings/api';
import { ADDRESS_BOOK_LIMIT, bookAddresses, readBook, removeFromBook, saveToBook, setBookDefault, type AddressBook, type BookChange } from '../miniprogram/domain/address-book';
import { now } from './clock';
import { COLLECTIONS, getDoc, txGet, withTransaction } from './db';
import { AppError, invalidState, notFound } from './errors';
import { digestId, randomId } from './ids';

export function addressBookId(openid: string): string {
  return `AB${digestId(`address-book\u0000${openid}`, 22)}`;
}

function view(book: AddressBook): AddressBookView {
  return { addresses: bookAddresses(book), limit: ADDRESS_BOOK_LIMIT };
}

/** A stored book belongs to the OPENID written in it; anything else reads as an empty book. */
function ownBook(doc: Record<string, unknown> | null, openid: string): AddressBook {
  return readBook(doc && doc._openid === openid ? doc : null);
}

async function change(openid: string, apply: (book: AddressBook, at: number) => BookChange): Promise<{ book: AddressBook; id: string }> {
  const docId = addressBookId(openid);
  return withTransaction(async (tx) => {
    const at = now();
    const result = apply(ownBook(await txGet(tx, COLLECTIONS.addressBooks, docId), openid), at);
    if (!result.ok && result.problem === 'ADDRESS_NOT_FOUND') throw notFound('地址不存在或已删除', { reason: result.problem });
    if (!result.ok) throw invalidState(`最多保存${ADDRESS_BOOK_LIMIT}个地址，请先删除不用的地址`, { reason: result.problem, limit: ADDRESS_BOOK_LIMIT });
    await tx.collection(COLLECTIONS.addressBooks).doc(docId).set({ data: { _openid: openid, entries: result.book.entries, defaultId: result.book.defaultId, updatedAt: at } });
    return { book: result.book, id: result.id };
  });
}

export async function listAddresses(openid: string): Promise<ActionResponse<'orders', 'addresses'>> {
  return view(ownBook(await getDoc(COLLECTIONS.addressBooks, addressBookId(openid)), openid));
}

export async function saveAddress(openid: string, req: ActionRequest<'orders', 'saveAddress'>): Promise<ActionResponse<'orders', 'saveAddress'>> {
  const newId = randomId(12);
  const { book, id } = await change(openid, (current, at) => saveToBook(current, req, newId, at));
  const shown = view(book);
  const address = shown.addresses.find((a) => a.id === id);
  if (!address) throw new AppError('INTERNAL', '地址保存失败，请重试');
  return { ...shown, address };
}

export async function removeAddress(openid: string, req: ActionRequest<'orders', 'removeAddress'>): Promise<ActionResponse<'orders', 'removeAddress'>> {
  return view((await change(openid, (current) => removeFromBook(current, req.id))).book);
}

export async function setDefaultAddress(openid: string, req: ActionRequest<'orders', 'setDefaultAddress'>): Promise<ActionResponse<'orders', 'setDefaultAddress'>> {
  return view((await change(openid, (current) => setBookDefault(current, req.id))).book);
}
