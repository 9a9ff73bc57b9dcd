/**
 * The address book through the real `orders` function on the local cloud: each shopper sees and changes
 * only their own book, the limit holds and exactly one default survives concurrent saves, bad input is
 * refused with the address rule's words and writes nothing, and "我的"'s figures count the caller's own.
 */
import type { Address } from '../../typings/domain';
import { ADDRESS_BOOK_LIMIT } from '../../miniprogram/domain/address-book';
import { addressBookId } from '../../server/addresses';
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed, snapshot } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 16 });

beforeAll(async () => {
  await ensureCollections(cloud);
  await Promise.all(Array.from({ length: 16 }, () => call(cloud, 'orders', { action: 'addresses' }, 'oWARMUP')));
}, 60_000);

const at = (n: number): Address => ({ ...ADDRESS, detail: `科技园 ${n} 号` });
const save = (openid: string, address: Address, extra: { id?: string; makeDefault?: boolean } = {}) => call(cloud, 'orders', { action: 'saveAddress', address, ...extra }, openid);
const book = async (openid: string) => dataOf(await call(cloud, 'orders', { action: 'addresses' }, openid));

describe('address book', () => {
  test('add, edit, set default and delete; the first address is the default; deleting the default hands it to the latest', async () => {
    expect(await book('oAB_1')).toEqual({ addresses: [], limit: ADDRESS_BOOK_LIMIT });
    const first = dataOf(await save('oAB_1', { ...at(1), phone: '138 0000 0000 ' }));
    expect(first.address).toMatchObject({ ...at(1), phone: '13800000000', isDefault: true });
    const second = dataOf(await save('oAB_1', { ...at(2), postalCode: '518000' })).address;
    expect(second.isDefault).toBe(false);

    // Saving an address already in the book refreshes it instead of adding it twice (the checkout saves what it ships to).
    const again = dataOf(await save('oAB_1', at(1)));
    expect(again.address.id).toBe(first.address.id);
    expect(again.addresses).toHaveLength(2);

    const edited = dataOf(await save('oAB_1', { ...at(2), name: '李四' }, { id: second.id }));
    expect(edited.addresses.map((a) => [a.name, a.isDefault])).toEqual([['张三', true], ['李四', false]]);

    const third = dataOf(await save('oAB_1', at(3), { makeDefault: true })).address;
    expect(third.isDefault).toBe(true);
    let shown = await book('oAB_1');
    expect(shown.addresses[0].id).toBe(third.id);
    expect(shown.addresses.filter((a) => a.isDefault)).toHaveLength(1);

    shown = dataOf(await call(cloud, 'orders', { action: 'setDefaultAddress', id: second.id }, 'oAB_1'));
    expect(shown.addresses.map((a) => a.id)[0]).toBe(second.id);

    shown = dataOf(await call(cloud, 'orders', { action: 'removeAddress', id: second.id }, 'oAB_1'));
    expect(shown.addresses.map((a) => a.id)).toEqual([third.id, first.address.id]);
    expect(shown.addresses[0].isDefault).toBe(true);

    expect(errorOf(await call(cloud, 'orders', { action: 'removeAddress', id: second.id }, 'oAB_1'))).toMatchObject({ code: 'NOT_FOUND', message: '地址不存在或已删除' });
  });

  test('a shopper cannot see, edit, delete or choose another shopper\'s address; no OPENID, no book', async () => {
    const mine = dataOf(await save('oOWN_A', at(7))).address;
    const before = await getDoc(cloud, 'address_books', addressBookId('oOWN_A'));
    expect(before._openid).toBe('oOWN_A');

    expect((await book('oOWN_B')).addresses).toEqual([]);
    expect(errorOf(await save('oOWN_B', at(8), { id: mine.id })).code).toBe('NOT_FOUND');
    expect(errorOf(await call(cloud, 'orders', { action: 'removeAddress', id: mine.id }, 'oOWN_B')).code).toBe('NOT_FOUND');
    expect(errorOf(await call(cloud, 'orders', { action: 'setDefaultAddress', id: mine.id }, 'oOWN_B')).code).toBe('NOT_FOUND');
    expect(errorOf(await call(cloud, 'orders', { action: 'addresses' }, 'stranger')).code).toBe('UNAUTHENTICATED');
    expect(await getDoc(cloud, 'address_books', addressBookId('oOWN_A'))).toEqual(before);
    // B's failed attempts left B without a book at all.
    expect(await getDoc(cloud, 'address_books', addressBookId('oOWN_B'))).toBeNull();

    // A document planted under B's id for A is not B's book.
    await seed(cloud, 'address_books', [{ ...before, _id: addressBookId('oOWN_C') }]);
    expect((await book('oOWN_C')).addresses).toEqual([]);
  });

  test(`the limit: ${ADDRESS_BOOK_LIMIT} addresses, the next one is refused and writes nothing`, async () => {
    for (let i = 0; i < ADDRESS_BOOK_LIMIT; i += 1) dataOf(await save('oFULL', at(100 + i)));
    const before = await snapshot(cloud);
    const refused = errorOf(await save('oFULL', at(999)));
    expect(refused).toMatchObject({ code: 'INVALID_STATE', message: `最多保存${ADDRESS_BOOK_LIMIT}个地址，请先删除不用的地址`, details: { reason: 'ADDRESS_BOOK_FULL', limit: ADDRESS_BOOK_LIMIT } });
    expect(await snapshot(cloud)).toEqual(before);
    // Editing one or saving one already there is still possible in a full book.
    dataOf(await save('oFULL', at(100)));
  }, 60_000);

  test('concurrent saves: 30 different addresses at once into an empty book → never more than the limit, every save told the truth, one default', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => save('oRACE', at(200 + i), { makeDefault: i % 3 === 0 })));
    const kept = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok).map((r) => errorOf(r));
    // Refused: the book was full, or (a save whose retries ran out while the others went) try again.
    for (const e of refused) expect(e.details.reason).toMatch(/^(ADDRESS_BOOK_FULL|TRANSACTION_CONTENTION)$/);
    if (refused.every((e) => e.details.reason === 'ADDRESS_BOOK_FULL')) expect(kept).toHaveLength(ADDRESS_BOOK_LIMIT);
    expect(kept.length).toBeLessThanOrEqual(ADDRESS_BOOK_LIMIT);
    expect(kept.length).toBeGreaterThan(0);
    const shown = await book('oRACE');
    expect(shown.addresses).toHaveLength(kept.length);
    expect(shown.addresses.filter((a) => a.isDefault)).toHaveLength(1);
    expect(new Set(shown.addresses.map((a) => a.id)).size).toBe(kept.length);
    const saved = kept.map((r) => dataOf(r).address.detail).sort();
    expect(shown.addresses.map((a) => a.detail).sort()).toEqual(saved);

    // Phones choosing different defaults at once, while another deletes: one default, one of those chosen.
    const ids = shown.addresses.map((a) => a.id);
    const pickIds = ids.slice(0, Math.min(6, ids.length - 1));
    const gone = ids[ids.length - 1];
    const pending = pickIds.map((id) => call(cloud, 'orders', { action: 'setDefaultAddress', id }, 'oRACE'));
    const removal = call(cloud, 'orders', { action: 'removeAddress', id: gone }, 'oRACE');
    const picks = await Promise.all(pending);
    const removed = (await removal).ok;
    const after = await book('oRACE');
    expect(after.addresses.filter((a) => a.isDefault)).toHaveLength(1);
    const chosen = pickIds.filter((_, i) => picks[i].ok);
    if (chosen.length > 0) expect(chosen).toContain(after.addresses[0].id);
    expect(after.addresses.some((a) => a.id === gone)).toBe(!removed);
  }, 60_000);

  test('bad input is refused with the address rule\'s words and writes nothing', async () => {
    dataOf(await save('oBAD', at(1)));
    const before = await snapshot(cloud);
    const cases: [unknown, string][] = [
      [{ action: 'saveAddress', address: { ...ADDRESS, phone: '12' } }, '请填写正确的手机号'],
      [{ action: 'saveAddress', address: { ...ADDRESS, detail: 'x'.repeat(201) } }, '详细地址不能超过200个字'],
      [{ action: 'saveAddress', address: { ...ADDRESS, name: '' } }, '请填写收货人'],
      [{ action: 'saveAddress', address: 'home' }, '请填写收货地址'],
      [{ action: 'saveAddress', address: ADDRESS, id: '../x' }, '地址不存在或已删除'],
      [{ action: 'saveAddress', address: ADDRESS, makeDefault: 'yes' }, '请求内容有误，请刷新后重试'],
      [{ action: 'removeAddress' }, '地址不存在或已删除'],
      [{ action: 'setDefaultAddress', id: 42 }, '地址不存在或已删除'],
    ];
    for (const [event, message] of cases) {
      const r = (await cloud.invoke('orders', event, { openid: 'oBAD' })).result as { ok: boolean; error: { code: string; message: string } };
      expect({ event, code: r.error.code, message: r.error.message }).toEqual({ event, code: 'INVALID_ARGUMENT', message });
    }
    expect(await snapshot(cloud)).toEqual(before);
  });

  test('a hand-edited book: broken entries are left out, a missing default falls to the latest entry', async () => {
    await seed(cloud, 'address_books', [
      {
        _id: addressBookId('oHAND'),
        _openid: 'oHAND',
        defaultId: 'gone',
        entries: [
          { id: 'a1', ...at(1), createdAt: 1, updatedAt: 1 },
          { id: 'a2', ...at(2), phone: 'call me', createdAt: 2, updatedAt: 2 },
          { id: 'a3', ...at(3), createdAt: 3, updatedAt: 3 },
          'junk',
          { ...at(4) },
        ],
      },
    ]);
    const shown = await book('oHAND');
    expect(shown.addresses.map((a) => [a.id, a.isDefault])).toEqual([['a3', true], ['a1', false]]);
  });
});

describe('"我的" figures', () => {
  test('orders per status, orders with after-sales and usable coupons, of the caller only', async () => {
    await seed(cloud, 'products', [productDoc('me-p', [{ skuId: 's', price: 1000, stock: 20 }])]);
    const line = { productId: 'me-p', skuId: 's', qty: 1 };
    for (let i = 0; i < 3; i += 1) dataOf(await call(cloud, 'orders', { action: 'create', requestId: requestId('me'), lines: [line], address: ADDRESS }, 'oME'));
    const cancelled = dataOf(await call(cloud, 'orders', { action: 'create', requestId: requestId('me'), lines: [line], address: ADDRESS }, 'oME')).order;
    dataOf(await call(cloud, 'orders', { action: 'cancel', orderId: cancelled._id }, 'oME'));
    dataOf(await call(cloud, 'orders', { action: 'create', requestId: requestId('other'), lines: [line], address: ADDRESS }, 'oME_OTHER'));
    const summary = dataOf(await call(cloud, 'orders', { action: 'meSummary' }, 'oME'));
    expect(summary).toEqual({
      orders: { pending_payment: 3, paid: 0, shipped: 0, completed: 0, cancelled: 1, expired: 0, refunded: 0, grouping: 0 },
      afterSales: 0,
      coupons: 0,
    });
    expect(await all(cloud, 'orders', { _openid: 'oME' })).toHaveLength(4);
  });
});
