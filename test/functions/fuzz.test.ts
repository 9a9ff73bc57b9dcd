/**
 * Malformed events, generated with fast-check: every one must come back as an error envelope and
 * write nothing.
 *
 * Two layers, named in each test:
 * - [validation layer] 1,000 events per action straight into `parseEvent` (the exact code each
 *   function runs first), which keeps the run fast;
 * - [real function] a few hundred of the same kind of events sent one by one through the emulator to
 *   the built functions, comparing a snapshot of the whole database before and after.
 *
 * Every refusal's `message` may be shown to a shopper as it is, so it must be Chinese: checked for every
 * malformed event, for every error code the functions throw (reached through the real functions), and
 * for every message written in server/ (read from the source).
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADDRESS_MESSAGES } from '../../miniprogram/domain/address';
import { AFTER_SALE_REFUSAL_MESSAGES } from '../../miniprogram/domain/after-sales';
import { CLAIM_REFUSAL_MESSAGES, COUPON_REFUSAL_MESSAGES } from '../../miniprogram/domain/coupons';
import { CAMPAIGN_FIELD_MESSAGES } from '../../miniprogram/domain/campaigns';
import { JOIN_REFUSALS } from '../../miniprogram/domain/groups';
import { productKeywords, queryTokens } from '../../miniprogram/domain/search-terms';
import { FIELD_MESSAGES, parseEvent } from '../../server/events';
import { platformEvent } from '../../server/handler';
import type { ErrorCode, FunctionName, OrderLineRequest } from '../../typings/api';
import { useCloud } from '../helpers/cloud';
import { localMerchantKey, merchantEvent } from '../../admin/merchant-key';
import { ADDRESS, call, ensureCollections, productDoc, requestId, seed, snapshot, dataOf } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

/** Chinese, fit to show a shopper: Han characters, digits and punctuation, no Latin words or field names. */
const CHINESE = /^[^A-Za-z]*\p{Script=Han}[^A-Za-z]*$/u;
const chineseError = (code: ErrorCode) => expect.objectContaining({ code, message: expect.stringMatching(CHINESE) });

type Path = (string | number)[];
interface Mutation {
  path: Path;
  /** Values that make the field invalid; `DELETE` removes it. */
  bad: fc.Arbitrary<unknown>;
}
const DELETE = Symbol('delete');

const INJECTION = ['{"$gt":""}', '$where', 'a.b', '.*', '^(a+)+$', 'a b', '../x', "'; DROP TABLE orders; --", 'x\u0000y', '%2F', '[object Object]', '__proto__.x', 'a'.repeat(65)];
const OPERATORS = [{ $gt: '' }, { $ne: null }, { $regex: '.*' }, { $where: 'sleep(1000)' }, { _id: { $exists: true } }];

// Over the limit even after the validator trims surrounding white space.
const huge = (over: number) =>
  fc.oneof(fc.string({ minLength: over + 1, maxLength: over + 300 }).filter((s) => s.trim().length > over), fc.constant('x'.repeat(100_000)));
// Finite only: JSON turns NaN/Infinity into null, which for an optional field legitimately means "not given".
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const nonString = fc.oneof(fc.integer(), finite, fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.constantFrom(...OPERATORS), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 3 }));
const nonNumber = fc.oneof(fc.string({ maxLength: 10 }), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), fc.constantFrom(...OPERATORS));
const nonObject = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }));
const required = fc.constantFrom(DELETE, null);

const badId = fc.oneof(required, nonString, fc.constantFrom(...INJECTION, '', '   '), huge(64));
const badOptionalId = fc.oneof(nonString, fc.constantFrom(...INJECTION, '   '), huge(64));
const badQty = fc.oneof(required, nonNumber, fc.integer({ min: -1_000_000_000, max: 0 }), fc.integer({ min: 100, max: 1_000_000_000 }), fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1.5, -1, 0.1, 1e21, '1'));
const badFen = fc.oneof(nonNumber, fc.integer({ min: -1_000_000, max: -1 }), fc.double({ noInteger: true, noNaN: true, min: 0, max: 1e6 }), fc.constantFrom(100_000_000_01, '12.50'));
const badPageSize = fc.oneof(nonNumber, fc.constantFrom(0, -1, 51, 1000, 2.5));
const badCursor = fc.oneof(nonString, fc.constantFrom('not a cursor', 'abc!', '{"o":1}', '$gt'), huge(200));
const badToken = fc.oneof(nonString, fc.constantFrom(...INJECTION.filter((s) => !/^[A-Za-z0-9_-]{1,32}$/.test(s))), huge(32));
const badLines = fc.oneof(required, nonObject, fc.constant([]), fc.array(fc.constant({ productId: 'p', skuId: 's', qty: 1 }), { minLength: 51, maxLength: 60 }), fc.array(nonObject, { minLength: 1, maxLength: 3 }));

const line = { productId: 'fz-p', skuId: 's', qty: 1 };
const lineMutations = (prefix: Path, priceField: 'expectedPrice' | 'seenPrice'): Mutation[] => [
  { path: prefix, bad: badLines },
  { path: [...prefix, 0], bad: fc.oneof(required, nonObject) },
  { path: [...prefix, 0, 'productId'], bad: badId },
  { path: [...prefix, 0, 'skuId'], bad: badId },
  { path: [...prefix, 0, 'qty'], bad: badQty },
  { path: [...prefix, 0, priceField], bad: badFen },
];

interface ActionSpec {
  fn: FunctionName;
  action: string;
  base: () => Record<string, unknown>;
  mutations: Mutation[];
}

const ACTIONS: ActionSpec[] = [
  {
    fn: 'catalog',
    action: 'list',
    base: () => ({ action: 'list', categoryId: 'c1', keyword: 'k', sort: 'newest', pageSize: 10 }),
    mutations: [
      { path: ['categoryId'], bad: badOptionalId },
      { path: ['keyword'], bad: fc.oneof(nonString, huge(60)) },
      { path: ['sort'], bad: fc.oneof(nonString, fc.constantFrom('price', 'NEWEST', '$natural', '')) },
      { path: ['cursor'], bad: badCursor },
      { path: ['pageSize'], bad: badPageSize },
    ],
  },
  { fn: 'catalog', action: 'get', base: () => ({ action: 'get', productId: 'fz-p' }), mutations: [{ path: ['productId'], bad: badId }] },
  { fn: 'catalog', action: 'categories', base: () => ({ action: 'categories' }), mutations: [] },
  { fn: 'inventory', action: 'check', base: () => ({ action: 'check', lines: [{ ...line }] }), mutations: lineMutations(['lines'], 'seenPrice') },
  {
    fn: 'orders',
    action: 'create',
    base: () => ({ action: 'create', requestId: requestId('fz'), lines: [{ ...line }], address: { ...ADDRESS }, remark: 'ok', attribution: { channel: 'qr' } }),
    mutations: [
      { path: ['requestId'], bad: fc.oneof(required, nonString, fc.constantFrom(...INJECTION.filter((s) => !/^[A-Za-z0-9_.:-]{1,64}$/.test(s)), ''), huge(64)) },
      ...lineMutations(['lines'], 'expectedPrice'),
      { path: ['address'], bad: fc.oneof(required, nonObject) },
      { path: ['address', 'name'], bad: fc.oneof(required, nonString, fc.constant('  '), huge(50)) },
      { path: ['address', 'phone'], bad: fc.oneof(required, nonString, fc.constantFrom('abc', '1', '{"$gt":""}', '12345678901234567890123')) },
      { path: ['address', 'detail'], bad: fc.oneof(required, nonString, huge(200)) },
      { path: ['address', 'postalCode'], bad: fc.oneof(nonString, fc.constantFrom('12345', 'abcdef', '1234567')) },
      { path: ['remark'], bad: fc.oneof(nonString, huge(200)) },
      { path: ['attribution'], bad: nonObject },
      { path: ['attribution', 'launchScene'], bad: fc.oneof(nonNumber, fc.constantFrom(1, 10_000, 1047.5, -1047)) },
      { path: ['attribution', 'sceneCode'], bad: fc.oneof(nonString, fc.constantFrom('s=%41', 's=中', 'a b'), huge(32)) },
      { path: ['attribution', 'referralCode'], bad: badToken },
      { path: ['attribution', 'campaign'], bad: badToken },
    ],
  },
  { fn: 'orders', action: 'quote', base: () => ({ action: 'quote', lines: [{ ...line }] }), mutations: lineMutations(['lines'], 'expectedPrice') },
  {
    fn: 'orders',
    action: 'list',
    base: () => ({ action: 'list', status: 'paid', pageSize: 10 }),
    mutations: [
      { path: ['status'], bad: fc.oneof(nonString, fc.constantFrom('PAID', 'refund', '', '{"$ne":null}')) },
      { path: ['cursor'], bad: badCursor },
      { path: ['pageSize'], bad: badPageSize },
    ],
  },
  ...(['get', 'cancel', 'pay', 'confirmReceipt'] as const).map(
    (action): ActionSpec => ({ fn: 'orders', action, base: () => ({ action, orderId: 'fz-order' }), mutations: [{ path: ['orderId'], bad: badId }] }),
  ),
  {
    fn: 'scenes',
    action: 'create',
    base: () => ({ action: 'create', target: { page: 'pages-shop/product/index', query: { id: 'p1' } }, campaign: 'c', channel: 'ch', store: 's1' }),
    mutations: [
      { path: ['target'], bad: fc.oneof(required, nonObject) },
      { path: ['target', 'page'], bad: fc.oneof(required, nonString, fc.constantFrom('/pages/x', 'pages/x?id=1', 'pages//x', 'pages/x/', '../x', 'pages/中'), huge(128)) },
      { path: ['target', 'query'], bad: fc.oneof(required, nonObject, fc.constant({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '6', g: '7', h: '8', i: '9' })) },
      { path: ['target', 'query', 'id'], bad: fc.oneof(fc.integer(), fc.boolean(), fc.constantFrom(...OPERATORS), huge(128)) },
      { path: ['campaign'], bad: badToken },
      { path: ['channel'], bad: badToken },
      { path: ['store'], bad: badToken },
    ],
  },
  { fn: 'scenes', action: 'resolve', base: () => ({ action: 'resolve', scene: 's=abc' }), mutations: [{ path: ['scene'], bad: fc.oneof(required, nonString, huge(96)) }] },
  { fn: 'scenes', action: 'referralCode', base: () => ({ action: 'referralCode' }), mutations: [] },
  { fn: 'scenes', action: 'shareLanding', base: () => ({ action: 'shareLanding', referralCode: 'Abc123xyz0' }), mutations: [{ path: ['referralCode'], bad: fc.oneof(required, badToken) }] },
];

function setPath(target: Record<string, unknown>, path: Path, value: unknown): void {
  let node: any = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key];
  }
  const last = path[path.length - 1];
  if (value === DELETE) delete node[last];
  else node[last] = value;
}

/** Problems with the event as a whole: not an object, no or a wrong action. */
function wholeEventMutations(spec: ActionSpec): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(null, 42, 'create', true, [], [spec.base()]),
    fc.constantFrom(DELETE, null, 1, spec.action.toUpperCase(), `${spec.action} `, '__proto__', 'constructor', 'toString', 'hasOwnProperty', { $eq: spec.action }, [spec.action]).map((action) => {
      const event = spec.base();
      setPath(event, ['action'], action);
      return event;
    }),
  );
}

/** Malformed events for one action: one invalid field (plus random junk keys), or a malformed event. */
function malformed(spec: ActionSpec): fc.Arbitrary<unknown> {
  const junk = fc.dictionary(
    fc.string({ maxLength: 8 }).filter((k) => !['action', 'lines', 'productId', 'orderId', 'target', 'scene', 'requestId', 'address'].includes(k) && !Object.prototype.hasOwnProperty.call(spec.base(), k)),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 3 },
  );
  const fieldLevel = spec.mutations.map((m) =>
    fc.tuple(m.bad, junk).map(([value, extra]) => {
      const event = { ...extra, ...spec.base() };
      setPath(event, m.path, value);
      return event;
    }),
  );
  return fieldLevel.length > 0 ? fc.oneof(wholeEventMutations(spec), ...fieldLevel, ...fieldLevel) : wholeEventMutations(spec);
}

/** JSON round trip: what actually reaches a function through the platform. */
const overTheWire = (event: unknown) => (event === undefined ? undefined : JSON.parse(JSON.stringify(event)));

describe('[validation layer] 1,000 malformed events per action → INVALID_ARGUMENT envelope (parseEvent, no I/O)', () => {
  test.each(ACTIONS.map((spec) => [`${spec.fn}.${spec.action}`, spec] as const))('%s', (_name, spec) => {
    // The valid base passes, so every refusal below is caused by the mutation.
    expect(parseEvent(spec.fn, spec.base()).ok).toBe(true);
    fc.assert(
      fc.property(malformed(spec), (event) => {
        for (const candidate of [event, overTheWire(event)]) {
          const parsed = parseEvent(spec.fn, candidate);
          if (parsed.ok) throw new Error(`accepted: ${JSON.stringify(candidate)?.slice(0, 300)}`);
          expect(parsed.envelope).toEqual({ ok: false, error: chineseError('INVALID_ARGUMENT') });
          if (!parsed.envelope.ok) expect(parsed.envelope.error.issues?.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('[real function] malformed events through the emulator → error envelopes, database unchanged', () => {
  beforeAll(async () => {
    await ensureCollections(cloud);
    await seed(cloud, 'products', [productDoc('fz-p', [{ skuId: 's', price: 1000, stock: 5 }])]);
    const created = await call(cloud, 'orders', { action: 'create', requestId: 'fz-seed', lines: [{ productId: 'fz-p', skuId: 's', qty: 1 }], address: ADDRESS }, 'oFUZZ');
    expect(created.ok).toBe(true);
  });

  const PER_ACTION = 30;
  test(`${PER_ACTION} per action (${PER_ACTION * ACTIONS.length} events) as a signed-in user`, async () => {
    const before = await snapshot(cloud);
    let sent = 0;
    for (const spec of ACTIONS) {
      const events = fc.sample(malformed(spec), { numRuns: PER_ACTION, seed: 42 + sent });
      for (const event of events) {
        const wire = overTheWire(event);
        if (platformEvent(wire)) continue; // a different entry point, fuzzed below
        const r = await cloud.invoke(spec.fn, wire, { openid: 'oFUZZ' });
        sent += 1;
        expect({ event: wire, r }).toEqual({ event: wire, r: { result: { ok: false, error: chineseError('INVALID_ARGUMENT') }, requestId: expect.any(String) } });
      }
    }
    expect(sent).toBeGreaterThan(PER_ACTION * ACTIONS.length * 0.9);
    expect(await snapshot(cloud)).toEqual(before);
  }, 180_000);

  test('60 malformed pay notifications → acknowledged {errcode: 0}, nothing recorded or paid', async () => {
    const before = await snapshot(cloud);
    const bad = fc.record(
      {
        returnCode: fc.oneof(fc.constant('SUCCESS'), nonString),
        resultCode: fc.constant('SUCCESS'),
        outTradeNo: fc.oneof(nonString, fc.constantFrom(...INJECTION.filter((s) => !/^[0-9A-Za-z_-]{1,32}$/.test(s)))),
        totalFee: fc.oneof(fc.constant(1000), nonNumber, fc.constantFrom(-1, 1.5)),
        transactionId: fc.string({ maxLength: 10 }),
      },
      { requiredKeys: ['outTradeNo', 'returnCode'] },
    );
    for (const event of fc.sample(bad, { numRuns: 60, seed: 7 })) {
      const wire = overTheWire(event);
      const r = await cloud.invoke('orders', wire, { source: 'wx_paycallback' });
      expect(r.result).toEqual({ errcode: 0, errmsg: 'OK' });
    }
    expect(await snapshot(cloud)).toEqual(before);
  }, 60_000);

  test('keywords full of regex metacharacters: ok envelope, only products holding every query token, never a crash', async () => {
    const title = 'Meta (x+y)*[z]|^$ \\d.{2}?';
    const keywords = productKeywords({ title, specs: [] });
    await seed(cloud, 'products', [productDoc('fz-meta', [{ skuId: 's', price: 100, stock: 1 }], { title, keywords })]);
    const queries = fc.sample(fc.string({ unit: fc.constantFrom(...'.*+?^${}()|[]\\/-xyzMETA d2 '.split('')), minLength: 1, maxLength: 12 }), { numRuns: 60, seed: 3 });
    for (const keyword of [...queries, '(x+y)*', '[z]|^$', '\\d.{2}?']) {
      const r = await call(cloud, 'catalog', { action: 'list', keyword, pageSize: 50 });
      expect(r.ok).toBe(true);
      // The text is tokenized, never read as a pattern: a product matches when it holds every token
      // (blank text is no filter; text with nothing searchable in it finds nothing).
      const tokens = queryTokens(keyword);
      const found = dataOf(r).items.some((p: { _id: string }) => p._id === 'fz-meta');
      const expected = keyword.trim() === '' || (tokens.length > 0 && tokens.every((t) => keywords.includes(t)));
      expect({ keyword, found }).toEqual({ keyword, found: expected });
    }
  }, 60_000);
});

describe('every error a shopper can receive has a Chinese message', () => {
  const SERVER = join(__dirname, '..', '..', 'server');
  const HELPERS: Record<string, ErrorCode> = { invalid: 'INVALID_ARGUMENT', notFound: 'NOT_FOUND', invalidState: 'INVALID_STATE', badCursor: 'INVALID_ARGUMENT' };

  /** Every refusal written in server/: its code and its message argument as written. */
  function refusalsInSource(): { file: string; code: ErrorCode; message: string }[] {
    const out: { file: string; code: ErrorCode; message: string }[] = [];
    const call = /\b(?:new AppError\(\s*'([A-Z_]+)',|fail\(\s*'([A-Z_]+)',|(invalid|notFound|invalidState|badCursor)\()\s*([^,)]*)/g;
    for (const file of readdirSync(SERVER).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(SERVER, file), 'utf8');
      for (const m of text.matchAll(call)) {
        const code = (m[1] ?? m[2] ?? HELPERS[m[3]]) as ErrorCode;
        const message = m[4].trim();
        // The helpers' own definitions in errors.ts pass their parameter through.
        if (file === 'errors.ts' && message === 'message') continue;
        out.push({ file, code, message });
      }
    }
    return out;
  }

  test('every message written in server/ is a Chinese literal (or one of the Chinese tables)', () => {
    const refusals = refusalsInSource();
    expect(refusals.length).toBeGreaterThan(30);
    for (const { file, code, message } of refusals) {
      if (message === '' && code === 'INVALID_ARGUMENT') continue; // badCursor(): its message is in errors.ts
      const literal = /^(['`])(.*)\1$/s.exec(message);
      const known = message === 'FIELD_MESSAGES.action' || message.startsWith('issueMessage(') || message.startsWith('AFTER_SALE_REFUSAL_MESSAGES[') || message.startsWith('CLAIM_REFUSAL_MESSAGES[') || message.startsWith('COUPON_REFUSAL_MESSAGES[') || message.startsWith('CAMPAIGN_FIELD_MESSAGES[') || message.startsWith('JOIN_REFUSALS[');
      expect({ file, code, message, literal: literal !== null || known }).toEqual({ file, code, message, literal: true });
      // Interpolations (`${what}`) are checked where they are filled in: here only the written text.
      if (literal) expect({ file, message: literal[2].replace(/\$\{[^}]*\}/g, '') }).toEqual({ file, message: expect.stringMatching(CHINESE) });
    }
    for (const text of [...Object.values(FIELD_MESSAGES), ...Object.values(ADDRESS_MESSAGES), ...Object.values(AFTER_SALE_REFUSAL_MESSAGES), ...Object.values(CLAIM_REFUSAL_MESSAGES), ...Object.values(COUPON_REFUSAL_MESSAGES), ...Object.values(CAMPAIGN_FIELD_MESSAGES), ...Object.values(JOIN_REFUSALS)]) expect(text).toMatch(CHINESE);
  });

  test('each error code the functions throw, reached through the real functions, says so in Chinese', async () => {
    await seed(cloud, 'products', [
      productDoc('cn-p', [{ skuId: 's', price: 1000, stock: 2 }]),
      productDoc('cn-off', [{ skuId: 's', price: 1000, stock: 2 }], { status: 'off_shelf' }),
      productDoc('cn-broken', [{ skuId: 's', price: '12.50', stock: 2 }]),
    ]);
    const line = { productId: 'cn-p', skuId: 's', qty: 1 };
    const create = (requestId: string, lines: OrderLineRequest[]) => ({ action: 'create' as const, requestId, lines, address: ADDRESS });
    const placed = await call(cloud, 'orders', create('cn-placed', [line]), 'oCN');
    expect(placed.ok).toBe(true);
    const orderId = dataOf(placed).order._id as string;
    await call(cloud, 'orders', { action: 'cancel', orderId }, 'oCN');
    const paid = dataOf(await call(cloud, 'orders', create('cn-paid', [line]), 'oCN')).order;
    await cloud.invoke('orders', { outTradeNo: paid._id, returnCode: 'SUCCESS', resultCode: 'SUCCESS', totalFee: paid.total, transactionId: 'cnpaid1' }, { source: 'wx_paycallback' });

    // A verifier who typed 10 wrong pickup codes is stopped for a while (TOO_MANY_ATTEMPTS below).
    for (let i = 0; i < 10; i += 1) expect((await call(cloud, 'merchant', { action: 'verifyPickup', code: String(90000000 + i) })).ok).toBe(false);
    const shopper = { openid: 'oCN', source: 'wx_client' };
    const calls: [FunctionName, unknown, { openid?: string; source?: string }][] = [
      ['orders', { action: 'list' }, {}], // no OPENID: UNAUTHENTICATED
      ['scenes', { action: 'create', target: { page: 'pages-shop/product/index', query: {} } }, shopper], // PERMISSION_DENIED
      ['orders', { outTradeNo: orderId, returnCode: 'SUCCESS', resultCode: 'SUCCESS', totalFee: 1000 }, shopper], // forged notification
      ['orders', { Type: 'Timer', TriggerName: 'expireOrders' }, shopper], // forged timer
      ['inventory', { Type: 'Timer', TriggerName: 'expireOrders' }, {}], // a timer this function does not declare
      ['catalog', { action: 'get', productId: 'cn-none' }, shopper], // NOT_FOUND
      ['catalog', { action: 'get', productId: 'cn-broken' }, shopper], // UNAVAILABLE
      ['catalog', { action: 'list', cursor: 'notacursor' }, shopper],
      ['orders', { action: 'get', orderId: 'cn-none' }, shopper],
      ['orders', { action: 'list', cursor: 'notacursor' }, shopper],
      ['orders', { action: 'quote', lines: [line, line] }, shopper], // duplicate line
      ['orders', create('cn-dup', [line, line]), shopper],
      ['orders', create('cn-off', [{ ...line, productId: 'cn-off' }]), shopper], // cannot be bought
      ['orders', create('cn-broken', [{ ...line, productId: 'cn-broken' }]), shopper],
      ['orders', create('cn-short', [{ ...line, qty: 3 }]), shopper], // OUT_OF_STOCK
      ['orders', create('cn-price', [{ ...line, expectedPrice: 999 }]), shopper], // PRICE_CHANGED
      ['orders', create('cn-placed', [{ ...line, qty: 2 }]), shopper], // CONFLICT: same requestId, other order
      ['orders', { action: 'cancel', orderId }, shopper], // INVALID_STATE
      ['orders', { action: 'cancel', orderId: paid._id }, shopper], // ALREADY_PAID
      ['orders', { action: 'pay', orderId }, shopper],
      ['orders', { action: 'confirmReceipt', orderId }, shopper],
      ['scenes', { action: 'resolve', scene: 's=zzzzzzzz' }, shopper],
      ['scenes', { action: 'resolve', scene: '%E4%B8' }, shopper],
      ['scenes', { action: 'resolve', scene: 'x' }, shopper],
      ['merchant', merchantEvent({ action: 'verifyPickup', code: '90000099' }, localMerchantKey()), {}], // TOO_MANY_ATTEMPTS
    ];
    const reached = new Set<ErrorCode>();
    for (const [fn, event, as] of calls) {
      const r = await cloud.invoke(fn, event, as);
      expect({ fn, event, result: r.result }).toEqual({ fn, event, result: { ok: false, error: expect.objectContaining({ message: expect.stringMatching(CHINESE) }) } });
      reached.add(r.result.error.code);
    }
    // Every code written in server/ was reached, except INTERNAL: an unexpected failure, always the one
    // constant message (checked above from the source).
    const written = new Set(refusalsInSource().map((r) => r.code));
    written.delete('INTERNAL');
    expect([...written].filter((code) => !reached.has(code))).toEqual([]);
  }, 60_000);
});
