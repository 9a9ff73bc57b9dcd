// The address book's rules (miniprogram/domain/address-book.ts): add, refresh an identical one, edit,
// the limit, one default that follows deletes, and reading a hand-edited stored book.
import type { Address } from '../../typings/domain';
import { ADDRESS_BOOK_LIMIT, bookAddresses, EMPTY_BOOK, readBook, removeFromBook, sameAddress, saveToBook, setBookDefault, type AddressBook, type BookChange } from '../../miniprogram/domain/address-book';
import { wechatAddressFields } from '../../miniprogram/domain/address';

const A: Address = { name: '张三', phone: '13800000000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号' };
const at = (n: number): Address => ({ ...A, detail: `科技园 ${n} 号` });

function ok(change: BookChange): { book: AddressBook; id: string } {
  if (!change.ok) throw new Error(change.problem);
  return change;
}

test('the first address is the default; an identical one is refreshed, not added; makeDefault moves the default', () => {
  let { book, id } = ok(saveToBook(EMPTY_BOOK, { address: A }, 'a1', 10));
  expect(book.defaultId).toBe(id);
  ({ book } = ok(saveToBook(book, { address: at(2) }, 'a2', 20)));
  expect(book.defaultId).toBe('a1');
  const again = ok(saveToBook(book, { address: { ...A } }, 'a3', 30));
  expect(again.id).toBe('a1');
  expect(again.book.entries).toHaveLength(2);
  expect(again.book.entries.find((e) => e.id === 'a1')!.updatedAt).toBe(30);
  ({ book } = ok(saveToBook(again.book, { address: at(3), makeDefault: true }, 'a3', 40)));
  expect(bookAddresses(book).map((a) => [a.id, a.isDefault])).toEqual([['a3', true], ['a1', false], ['a2', false]]);
  expect(sameAddress(A, { ...A, postalCode: '518000' })).toBe(false);
});

test('edit keeps the id and creation time; unknown ids are refused; the limit holds for new addresses only', () => {
  let book = ok(saveToBook(EMPTY_BOOK, { address: A }, 'a1', 10)).book;
  const edited = ok(saveToBook(book, { id: 'a1', address: { ...A, name: '李四', postalCode: '518000' } }, 'x', 20)).book;
  expect(edited.entries).toEqual([{ id: 'a1', ...A, name: '李四', postalCode: '518000', createdAt: 10, updatedAt: 20 }]);
  expect(saveToBook(book, { id: 'nope', address: A }, 'x', 20)).toEqual({ ok: false, problem: 'ADDRESS_NOT_FOUND' });
  expect(setBookDefault(book, 'nope')).toEqual({ ok: false, problem: 'ADDRESS_NOT_FOUND' });
  expect(removeFromBook(book, 'nope')).toEqual({ ok: false, problem: 'ADDRESS_NOT_FOUND' });
  for (let i = 1; i < ADDRESS_BOOK_LIMIT; i += 1) book = ok(saveToBook(book, { address: at(100 + i) }, `b${i}`, 10 + i)).book;
  expect(book.entries).toHaveLength(ADDRESS_BOOK_LIMIT);
  expect(saveToBook(book, { address: at(999) }, 'full', 99)).toEqual({ ok: false, problem: 'ADDRESS_BOOK_FULL' });
  expect(saveToBook(book, { address: A }, 'same', 99).ok).toBe(true);
  expect(saveToBook(book, { id: 'b3', address: at(999) }, 'x', 99).ok).toBe(true);
});

test('deleting the default hands it to the most recently saved; the last one leaves an empty book', () => {
  let book = ok(saveToBook(EMPTY_BOOK, { address: at(1) }, 'a1', 10)).book;
  book = ok(saveToBook(book, { address: at(2) }, 'a2', 30)).book;
  book = ok(saveToBook(book, { address: at(3) }, 'a3', 20)).book;
  book = ok(removeFromBook(book, 'a1')).book;
  expect(book.defaultId).toBe('a2');
  book = ok(removeFromBook(book, 'a3')).book;
  expect(book.defaultId).toBe('a2');
  book = ok(removeFromBook(book, 'a2')).book;
  expect(book).toEqual(EMPTY_BOOK);
});

test('a stored book read back: junk, broken and duplicate entries are left out; a lost default falls to the latest', () => {
  expect(readBook(null)).toEqual(EMPTY_BOOK);
  expect(readBook('x')).toEqual(EMPTY_BOOK);
  expect(readBook({ entries: 'x' })).toEqual(EMPTY_BOOK);
  const book = readBook({
    defaultId: 'gone',
    entries: [{ id: 'a1', ...A, createdAt: 1, updatedAt: 5 }, { id: 'a1', ...at(2) }, { id: 'bad id', ...at(3) }, { id: 'a4', ...A, phone: 'x' }, null, { id: 'a5', ...at(5), createdAt: -1, updatedAt: 'soon' }],
  });
  expect(bookAddresses(book).map((a) => [a.id, a.isDefault, a.createdAt, a.updatedAt])).toEqual([['a1', true, 1, 5], ['a5', false, 0, 0]]);
});

test('wx.chooseAddress fields map onto ours', () => {
  expect(wechatAddressFields({ userName: '张三', telNumber: '020-81167888', provinceName: '广东省', cityName: '广州市', countyName: '海珠区', detailInfo: '新港中路397号', postalCode: '510000' })).toEqual({
    name: '张三', phone: '020-81167888', province: '广东省', city: '广州市', district: '海珠区', detail: '新港中路397号', postalCode: '510000',
  });
});
