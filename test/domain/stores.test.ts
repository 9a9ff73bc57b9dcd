import { checkStore } from '../../miniprogram/domain/stores';
import { cleanContact, formatPickupCode, pickupContactProblem, pickupQrText, readPickupCode } from '../../miniprogram/domain/pickup';
import { nextStatus, orderStatusLabel, transitionPatch } from '../../miniprogram/domain/order-state';
import { statusWriteProblem } from '../../miniprogram/domain/order-writes';
import { readVerifyInput } from '../../server/pickup';

describe('stores and pickup rules', () => {
  test('a store is checked and cleaned; problems in the merchant\'s words', () => {
    expect(checkStore({ _id: 'sh-1', name: ' 静安店 ', address: '南京西路 1 号', hours: '', pickup: true })).toEqual({ ok: true, store: { _id: 'sh-1', name: '静安店', address: '南京西路 1 号', hours: '', pickup: true } });
    expect(checkStore({ _id: 'sh-1', name: '店', address: '路' })).toMatchObject({ ok: true, store: { pickup: false } });
    expect(checkStore({ _id: 'a b', name: '', address: 'x'.repeat(121), hours: 3, pickup: 'yes' })).toEqual({
      ok: false,
      problems: ['门店编号为 1-32 位字母、数字、_ 或 -', '请填写门店名称', '门店地址不能超过120个字', '营业时间不能超过60个字', '是否支持自提应为 true 或 false'],
    });
    expect(checkStore(null)).toMatchObject({ ok: false });
  });

  test('the pickup contact', () => {
    expect(pickupContactProblem({ name: '李四', phone: '139 0000 1111' })).toBeNull();
    expect(pickupContactProblem({ name: ' ', phone: '13900001111' })).toBe('请填写提货人');
    expect(pickupContactProblem({ name: '李四', phone: '12' })).toBe('请填写正确的手机号');
    expect(pickupContactProblem(null)).toBe('请填写提货人');
    expect(cleanContact({ name: ' 李四 ', phone: '139 0000 1111' })).toEqual({ name: '李四', phone: '13900001111' });
  });

  test('codes as typed, shown and scanned', () => {
    expect(readPickupCode('1234 5678')).toBe('12345678');
    expect(readPickupCode('1234-5678')).toBe('12345678');
    expect(readPickupCode('1234567')).toBeNull();
    expect(readPickupCode('12345678a')).toBeNull();
    expect(formatPickupCode('12345678')).toBe('1234 5678');
    expect(readVerifyInput(pickupQrText('order1', '12345678'))).toEqual({ code: '12345678', orderId: 'order1' });
    expect(readVerifyInput(pickupQrText('order1', '12345678'), 'order1')).toEqual({ code: '12345678', orderId: 'order1' });
    // A QR of another order than the one named is not accepted.
    expect(readVerifyInput(pickupQrText('order1', '12345678'), 'order2')).toBeNull();
    expect(readVerifyInput(' 1234 5678 ', 'order2')).toEqual({ code: '12345678', orderId: 'order2' });
    expect(readVerifyInput('PICKUP:order1:1234')).toBeNull();
  });

  test('picked up is its own transition: paid → completed, stamped pickedUpAt only', () => {
    expect(nextStatus('paid', 'pickUp')).toBe('completed');
    expect(nextStatus('shipped', 'pickUp')).toBeNull();
    expect(nextStatus('pending_payment', 'pickUp')).toBeNull();
    expect(transitionPatch('paid', 'pickUp', 7)).toEqual({ status: 'completed', pickedUpAt: 7, updatedAt: 7 });
    const paid = { status: 'paid', createdAt: 1, paidAt: 2, statusEvent: 'pay' };
    expect(statusWriteProblem(paid, { ...paid, status: 'completed', pickedUpAt: 3, statusEvent: 'pickUp' })).toBeNull();
    expect(statusWriteProblem(paid, { ...paid, status: 'completed', pickedUpAt: 3, completedAt: 3, statusEvent: 'pickUp' })).toBe('pickUp wrote completedAt, which is not its stamp');
    expect(orderStatusLabel({ status: 'paid', fulfilment: 'pickup' })).toBe('待提货');
    expect(orderStatusLabel({ status: 'completed', fulfilment: 'pickup' })).toBe('已提货');
    expect(orderStatusLabel({ status: 'paid' })).toBe('待发货');
    expect(orderStatusLabel({ status: 'cancelled', fulfilment: 'pickup' })).toBe('已取消');
  });
});
