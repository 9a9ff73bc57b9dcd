/** Pure unit tests of the shared server code (no emulator). */
import fc from 'fast-check';
import { isTransactionConflict, backoffMs } from '../../server/db';
import { parseEvent } from '../../server/events';
import { canonicalJson, decodeCursor, encodeCursor, orderIdFor } from '../../server/ids';
import { toView } from '../../server/order-store';
import { parsePayNotification } from '../../server/payments';
import { platformEvent, resolveCaller } from '../../server/handler';
import { sameKey, takeMerchantKey } from '../../server/merchant-key';
import { candidateCode, canonicalTarget } from '../../server/scenes';
import { arrayOf, id, int, obj, optional, parse, str } from '../../server/validate';
import { ADDRESS } from '../support';

describe('validate', () => {
  const schema = obj({ name: str({ max: 5 }), n: optional(int(1, 3)), tags: optional(arrayOf(id(), 0, 2)) });

  test('copies only the named fields; unknown and operator-shaped keys never come through', () => {
    const r = parse(schema, { name: ' ab ', $set: { stock: 0 }, extra: 1, n: 2 });
    expect(r).toEqual({ ok: true, value: { name: 'ab', n: 2 } });
  });

  test('reports each problem with its path', () => {
    const r = parse(schema, { name: 'toolong', n: 1.5, tags: ['ok', { $gt: '' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toEqual(['name', 'n', 'tags[1]']);
  });

  test('null counts as "not given" for optional fields and as missing for required ones', () => {
    expect(parse(schema, { name: 'a', n: null })).toEqual({ ok: true, value: { name: 'a' } });
    expect(parse(schema, { name: null }).ok).toBe(false);
  });

  test('sparse arrays and non-plain objects are refused', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(parse(schema, { name: 'a', tags: [, 'x'] }).ok).toBe(false);
    expect(parse(schema, new Date()).ok).toBe(false);
    expect(parse(schema, Object.assign(Object.create({ name: 'inherited' }), {})).ok).toBe(false);
  });
});

describe('events', () => {
  test('a valid create is accepted and cleaned (trimmed, unknown fields dropped, nested too)', () => {
    const parsed = parseEvent('orders', {
      action: 'create',
      requestId: 'r-1',
      lines: [{ productId: 'p', skuId: 's', qty: 2, price: 1 }],
      address: { ...ADDRESS, name: ' 张三 ', $where: 'x' },
      userInfo: { openId: 'oSPOOF' },
      _openid: 'oSPOOF',
    });
    expect(parsed).toEqual({
      ok: true,
      action: 'create',
      request: { requestId: 'r-1', lines: [{ productId: 'p', skuId: 's', qty: 2 }], address: { ...ADDRESS, name: '张三' } },
    });
  });

  test('unknown actions, including inherited property names, are refused', () => {
    for (const action of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'create ', undefined]) {
      expect(parseEvent('orders', { action })).toMatchObject({ ok: false, envelope: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });
    }
  });
});

describe('ids', () => {
  test('canonicalJson ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(canonicalJson({ a: { d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });

  test('cursor round-trips; anything else is refused', () => {
    const key = fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x + 0), fc.record({ d: fc.integer({ min: -8.64e15, max: 8.64e15 }) }));
    const position = fc.record({ s: fc.constantFrom('newest', 'sales', 'price_asc', 'orders'), k: key, id: fc.string({ minLength: 1, maxLength: 64, unit: 'binary' }) });
    fc.assert(fc.property(position, (p) => expect(decodeCursor(encodeCursor(p))).toEqual(p)));
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const bads = ['', '!!', 'e30', b64({ o: 5 }), b64([1]), b64({ s: 'newest', k: 'x', id: 'p1' }), b64({ s: 'newest', k: { d: 1, e: 2 }, id: 'p1' }), b64({ s: 'newest', k: 1, id: '' }), b64({ s: 'newest', k: 1 })];
    for (const bad of bads) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });

  test('orderIdFor: deterministic per user and requestId, a valid WeChat Pay outTradeNo', () => {
    const a = orderIdFor('oA', 'r1');
    expect(a).toBe(orderIdFor('oA', 'r1'));
    expect(a).not.toBe(orderIdFor('oB', 'r1'));
    expect(a).not.toBe(orderIdFor('oA', 'r2'));
    expect(a).toMatch(/^[0-9A-Za-z_-]{1,32}$/);
  });
});

describe('transactions', () => {
  test('conflicts are recognised in every shape the SDK reports them', () => {
    expect(isTransactionConflict({ code: 'DATABASE_TRANSACTION_CONFLICT', message: 'x' })).toBe(true);
    expect(isTransactionConflict({ errCode: -501001, errMsg: 'document.update:fail -501001 . [ResourceUnavailable.TransactionConflict] Transaction is conflict' })).toBe(true);
    expect(isTransactionConflict(new Error('document.get:fail [ResourceUnavailable.TransactionConflict] x'))).toBe(true);
    expect(isTransactionConflict({ code: 'DATABASE_COLLECTION_NOT_EXIST' })).toBe(false);
    expect(isTransactionConflict(null)).toBe(false);
  });

  test('backoff is jittered and bounded', () => {
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const ms = backoffMs(attempt);
      expect(ms).toBeGreaterThanOrEqual(1);
      expect(ms).toBeLessThanOrEqual(1000);
    }
    const spread = new Set(Array.from({ length: 50 }, () => backoffMs(5)));
    expect(spread.size).toBeGreaterThan(5);
  });
});

describe('orders and payments', () => {
  test('toView never exposes the owner or bookkeeping fields', () => {
    const view = toView({ _id: 'O1', _openid: 'oA', payRequestedAt: 1, status: 'paid', total: 100, lines: [] });
    expect(view).toEqual({ _id: 'O1', status: 'paid', total: 100, lines: [] });
  });

  test('pay notifications are recognised by their fields, never when an action is present', () => {
    expect(platformEvent({ outTradeNo: 'O1', returnCode: 'SUCCESS' })).toEqual({ kind: 'pay' });
    expect(platformEvent({ action: 'get', outTradeNo: 'O1', returnCode: 'SUCCESS' })).toBeNull();
    expect(platformEvent({ action: 'create' })).toBeNull();
    expect(platformEvent({ Type: 'Timer', TriggerName: 'expireOrders', Time: '2026-01-01T00:00:00Z' })).toEqual({ kind: 'timer', name: 'expireOrders' });
    expect(platformEvent({ outRefundNo: 'R1', returnCode: 'SUCCESS' })).toEqual({ kind: 'refund' });
    expect(parsePayNotification({ outTradeNo: 'O1', returnCode: 'SUCCESS', resultCode: 'SUCCESS', totalFee: '4800', transactionId: 't1' })).toMatchObject({ totalFee: 4800 });
    expect(parsePayNotification({ outTradeNo: { $gt: '' }, returnCode: 'SUCCESS', totalFee: 1 })).toBeNull();
    expect(parsePayNotification({ outTradeNo: 'O1', returnCode: 'SUCCESS', totalFee: 1.5 })).toBeNull();
  });

  test('caller kinds: only the platform itself is the platform; no OPENID is a server call only with the merchant key', async () => {
    expect(await resolveCaller({ SOURCE: 'wx_paycallback' }, 'none', false)).toEqual({ kind: 'platform', source: 'wx_paycallback' });
    expect(await resolveCaller({ SOURCE: 'wx_trigger', OPENID: '' }, 'none', false)).toEqual({ kind: 'platform', source: 'wx_trigger' });
    for (const source of ['wx_client', 'wx_devtools', 'wx_http', '', 'wx_client,scf', 'wx_paycallback,scf', 'wx_client,wx_paycallback', 'wx_trigger,scf']) {
      expect(await resolveCaller({ SOURCE: source, OPENID: 'oA' }, 'none', false)).toEqual({ kind: 'shopper', openid: 'oA' });
      // A key never turns a shopper into anything else.
      expect(await resolveCaller({ SOURCE: source, OPENID: 'oA' }, 'valid', false)).toEqual({ kind: 'shopper', openid: 'oA' });
      expect(await resolveCaller({ SOURCE: source }, 'valid', false)).toEqual({ kind: 'server', openid: '' });
      for (const proof of ['none', 'invalid', 'unconfigured'] as const) {
        expect(await resolveCaller({ SOURCE: source }, proof, false)).toEqual({ kind: 'stranger', openid: '', proof });
      }
    }
    expect(await resolveCaller({ OPENID: { $ne: '' } }, 'none', false)).toEqual({ kind: 'stranger', openid: '', proof: 'none' });
  });

  test('the merchant key leaves the event whatever it proves, and only the configured key (32+ characters) is valid', () => {
    const key = 'k'.repeat(40);
    const env = { MERCHANT_KEY: key };
    expect(takeMerchantKey({ action: 'create', merchantKey: key, a: 1 }, env)).toEqual({ event: { action: 'create', a: 1 }, proof: 'valid' });
    expect(takeMerchantKey({ action: 'create', merchantKey: `${key}x` }, env)).toEqual({ event: { action: 'create' }, proof: 'invalid' });
    expect(takeMerchantKey({ action: 'create', merchantKey: { $ne: '' } }, env)).toEqual({ event: { action: 'create' }, proof: 'invalid' });
    expect(takeMerchantKey({ action: 'create', merchantKey: '' }, { MERCHANT_KEY: '' })).toEqual({ event: { action: 'create' }, proof: 'unconfigured' });
    expect(takeMerchantKey({ action: 'create', merchantKey: 'short' }, { MERCHANT_KEY: 'short' })).toEqual({ event: { action: 'create' }, proof: 'unconfigured' });
    expect(takeMerchantKey({ action: 'create' }, env)).toEqual({ event: { action: 'create' }, proof: 'none' });
    expect(takeMerchantKey('not an object', env)).toEqual({ event: 'not an object', proof: 'none' });
    expect(sameKey(key, key)).toBe(true);
    expect(sameKey(key, key.slice(1))).toBe(false);
  });
});

describe('scenes', () => {
  test('same target → same code; query order does not matter; attribution does', () => {
    const a = canonicalTarget({ target: { page: 'pages/p/index', query: { a: '1', b: '2' } }, campaign: 'x' });
    const b = canonicalTarget({ target: { page: 'pages/p/index', query: { b: '2', a: '1' } }, campaign: 'x' });
    const c = canonicalTarget({ target: { page: 'pages/p/index', query: { a: '1', b: '2' } }, campaign: 'y' });
    expect(candidateCode(a, 0)).toBe(candidateCode(b, 0));
    expect(candidateCode(a, 0)).not.toBe(candidateCode(c, 0));
    expect(candidateCode(a, 0)).not.toBe(candidateCode(a, 1));
    expect(candidateCode(a, 0)).toMatch(/^[0-9A-Za-z]{8}$/);
  });
});
