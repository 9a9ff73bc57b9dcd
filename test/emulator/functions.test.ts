/**
 * Functions runner: identity injection, isolation between concurrent users, errors, timeouts,
 * nested calls, logs, timer triggers — driven through the invoke endpoint and the real SDKs.
 */
import { useCloud, startCloud } from '../helpers/cloud';

const cloud = useCloud();

test('invoke as a user: getWXContext has OPENID/APPID/UNIONID/ENV/SOURCE and event.userInfo is injected', async () => {
  const r = await cloud.invoke('echo', { hello: 'world' }, { openid: 'oUSER_A', unionid: 'oUNION_A' });
  expect(r.error).toBeUndefined();
  expect(r.result.ctx).toMatchObject({ OPENID: 'oUSER_A', APPID: 'wxlocalappid000001', UNIONID: 'oUNION_A', ENV: cloud.envId, SOURCE: 'wx_client' });
  expect(r.result.event).toEqual({ hello: 'world', userInfo: { appId: 'wxlocalappid000001', openId: 'oUSER_A' } });
  expect(r.result.ctx).not.toHaveProperty('API_TOKEN');
});

test('32 concurrent invocations by different users never see each other’s identity', async () => {
  const users = Array.from({ length: 32 }, (_, i) => `oUSER_${i}x`);
  const rs = await Promise.all(users.map((u, i) => cloud.invoke('echo', { i, delayMs: 20 + (i % 5) * 10 }, { openid: u })));
  rs.forEach((r, i) => {
    expect(r.result.ctx.OPENID).toBe(users[i]);
    expect(r.result.event.userInfo.openId).toBe(users[i]);
    expect(r.result.sameAfterAwait).toBe(true);
  });
  // several worker processes were used (one invocation per process at a time)
  expect(new Set(rs.map((r) => r.result.pid)).size).toBeGreaterThan(1);
});

test('wx-server-sdk callFunction from an admin script: result and errMsg', async () => {
  const r = await cloud.wx().callFunction({ name: 'echo', data: { x: 1 } });
  expect(r.errMsg).toBe('callFunction:ok');
  expect(r.result.event).toEqual({ x: 1 });
  expect(r.result.ctx.OPENID).toBeUndefined();
});

test('@cloudbase/node-sdk callFunction', async () => {
  const r = await cloud.node().callFunction({ name: 'echo', data: { y: 2 } });
  expect(r.result.event).toEqual({ y: 2 });
});

test('a throwing function reaches callers as CloudBase reports it', async () => {
  const viaEndpoint = await cloud.invoke('boom', {}, { openid: 'o1' });
  expect(viaEndpoint.error.code).toBe('FUNCTIONS_EXECUTE_FAIL');
  expect(viaEndpoint.error.message).toContain('Error: boom');
  await expect(cloud.wx().callFunction({ name: 'boom', data: {} })).rejects.toMatchObject({
    errCode: -1,
    errMsg: expect.stringContaining('callFunction:fail errCode: -1 | errMsg: Error: boom'),
  });
  const sync = await cloud.invoke('boom', { sync: true }, { openid: 'o1' });
  expect(sync.error.message).toContain('TypeError: sync boom');
});

test('config.json timeout (1 s) is enforced: the call is cut short, not slept through; the next call still works', async () => {
  const r = await cloud.invoke('slow', { ms: 8000 }, { openid: 'oSLOW' });
  expect(r.error.code).toBe('FUNCTIONS_EXECUTE_FAIL');
  expect(r.error.message).toContain('timed out after 1 seconds');
  // Killed mid-sleep: its invocation record has no line from after the sleep.
  const [killed] = await cloud.logs({ function: 'slow', openid: 'oSLOW' });
  expect(killed).toMatchObject({ ok: false });
  expect(killed.logs ?? '').not.toContain('awake');
  const ok = await cloud.invoke('slow', { ms: 100 }, { openid: 'oSLOW' });
  expect(ok.result).toEqual({ slept: 100 });
  const [finished] = await cloud.logs({ function: 'slow', openid: 'oSLOW' });
  expect(finished).toMatchObject({ ok: true, logs: expect.stringContaining('awake after 100 ms') });
});

test('a function killed at its timeout inside a transaction frees the documents it locked at once', async () => {
  const db = cloud.wx().database();
  await db.collection('counters').doc('held-by-killed').set({ data: { n: 1 } });
  const r = await cloud.invoke('txhang', { id: 'held-by-killed' }, { openid: 'o1' });
  expect(r.error.message).toContain('timed out after 1 seconds');
  // Without the abort, the killed transaction would hold its lock for its whole 30 s lifetime and this
  // write would give up after the 10 s lock wait.
  const updated = await db.collection('counters').doc('held-by-killed').update({ data: { n: 2 } });
  expect(updated.stats.updated).toBe(1);
  expect((await db.collection('counters').doc('held-by-killed').get()).data.n).toBe(2);
});

test('the default timeout is 3 s when config.json sets none', async () => {
  // The refusal names the limit it applied; a call past the 1 s of the fixtures that set one still ends.
  const late = await cloud.invoke('sleepy', { ms: 4000 }, { openid: 'o1' });
  expect(late.error.message).toContain('timed out after 3 seconds');
  const ok = await cloud.invoke('sleepy', { ms: 1200 }, { openid: 'o1' });
  expect(ok.result).toEqual({ slept: 1200 });
}, 15000);

test('nested callFunction keeps the caller OPENID and chains SOURCE (wx_client,scf)', async () => {
  const r = await cloud.invoke('nested', {}, { openid: 'oNESTED' });
  expect(r.result.mine.OPENID).toBe('oNESTED');
  expect(r.result.inner.ctx).toMatchObject({ OPENID: 'oNESTED', SOURCE: 'wx_client,scf' });
  expect(r.result.inner.event).toEqual({ from: 'nested' });
});

test('nested call of a throwing/unknown function surfaces errCode -1 inside the caller', async () => {
  const r1 = await cloud.invoke('nested', { target: 'boom' }, { openid: 'o1' });
  expect(r1.result.innerError.errCode).toBe(-1);
  expect(r1.result.innerError.errMsg).toContain('boom');
  const r2 = await cloud.invoke('nested', { target: 'doesNotExist' }, { openid: 'o1' });
  expect(r2.result.innerError.errCode).toBe(-1);
});

test('unknown function → FUNCTIONS_REQUEST_FAIL (endpoint) and a rejection (SDK)', async () => {
  const r = await cloud.invoke('noSuchFn', {}, { openid: 'o1' });
  expect(r.error.code).toBe('FUNCTIONS_REQUEST_FAIL');
  await expect(cloud.wx().callFunction({ name: 'noSuchFn' })).rejects.toMatchObject({ errCode: -1 });
  const bad = await cloud.invoke('../etc', {}, { openid: 'o1' });
  expect(bad.error.code).toBe('FUNCTIONS_REQUEST_FAIL');
});

test('one log record per invocation with duration, result or error, function and openid', async () => {
  await cloud.invoke('echo', { n: 1 }, { openid: 'oLOGGED' });
  await cloud.invoke('boom', {}, { openid: 'oLOGGED' });
  const logs = await cloud.logs({ openid: 'oLOGGED' });
  expect(logs).toHaveLength(2);
  const [boom, echo] = logs; // newest first
  expect(echo).toMatchObject({ functionName: 'echo', openid: 'oLOGGED', ok: true, source: 'wx_client' });
  expect(JSON.parse(echo.result).event.n).toBe(1);
  expect(echo.durationMs).toBeGreaterThanOrEqual(0);
  expect(boom).toMatchObject({ functionName: 'boom', ok: false });
  expect(boom.error).toContain('boom');
});

test('fireTimer runs a config.json timer trigger with the timer event and SOURCE wx_trigger', async () => {
  const r = await cloud.fireTimer('tick', 'everySecond');
  expect(r.result).toEqual({ ticked: true, trigger: 'everySecond' });
  const ticks = await cloud.wx().database().collection('counters').where({ kind: 'tick' }).get();
  expect(ticks.data[0]).toMatchObject({ trigger: 'everySecond', type: 'Timer', source: 'wx_trigger' });
  const logs = await cloud.logs({ function: 'tick' });
  expect(logs[0].trigger).toBe('everySecond');
  const missing = await cloud.fireTimer('tick', 'nope');
  expect(missing.error.code).toBe('FUNCTIONS_REQUEST_FAIL');
});

test('200 concurrent checkout invocations on one hot SKU: exactly the stock is sold', async () => {
  const db = cloud.wx().database();
  const coll = `hot_${Date.now()}`;
  const orders = `hot_orders_${Date.now()}`;
  await db.createCollection(coll);
  await db.createCollection(orders);
  await db.collection(coll).add({ data: { _id: 'sku1', stock: 120 } });
  const rs = await Promise.all(Array.from({ length: 200 }, (_, i) => cloud.invoke('buy', { coll, orders, sku: 'sku1' }, { openid: `oBUYER${i}` })));
  expect(rs.filter((r) => r.result?.ok)).toHaveLength(120);
  expect(rs.filter((r) => r.result?.reason === 'SOLD_OUT')).toHaveLength(80);
  expect((await db.collection(coll).doc('sku1').get()).data.stock).toBe(0);
  expect((await db.collection(orders).count()).total).toBe(120);
}, 60000);

describe('scheduled timers', () => {
  test('a "* * * * * * *" trigger fires on schedule when timers are on', async () => {
    // nothing fires the trigger except the scheduler: no fireTimer, no invoke
    const h = await startCloud({ timers: true });
    try {
      let logs: any[] = [];
      for (let i = 0; i < 40 && logs.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        logs = await h.logs({ function: 'tick' });
      }
      expect(logs.length).toBeGreaterThanOrEqual(1);
      expect(logs.every((l: any) => l.trigger === 'everySecond' && l.ok)).toBe(true);
    } finally {
      await h.stop();
    }
  });
});

test('an event over the 6 MB synchronous limit is refused; 5 MB round-trips', async () => {
  const big = await cloud.invoke('echo', { blob: 'x'.repeat(6 * 1024 * 1024 + 10) }, { openid: 'o1' });
  expect(big.error.code).toBe('EXCEED_REQUEST_LIMIT');
  const huge = await cloud.invoke('echo', { delayMs: 0, pad: 'y'.repeat(5 * 1024 * 1024) }, { openid: 'o1' });
  expect(huge.result.event.pad).toHaveLength(5 * 1024 * 1024);
});

describe('misbehaving handlers never take the emulator down', () => {
  test('process.exit in a handler fails that call; the next call gets a fresh worker', async () => {
    const r = await cloud.invoke('crash', { mode: 'exit' }, { openid: 'o1' });
    expect(r.error).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL', message: expect.stringContaining('exited') });
    expect((await cloud.invoke('crash', {}, { openid: 'o1' })).result).toEqual({ fine: true });
  });

  test('a handler stuck in a synchronous loop is killed at its timeout', async () => {
    const r = await cloud.invoke('crash', { mode: 'loop' }, { openid: 'o1' });
    expect(r.error.message).toContain('timed out after 1 seconds');
    expect((await cloud.invoke('crash', {}, { openid: 'o1' })).result).toEqual({ fine: true });
  });

  test('a result that is not JSON-serialisable is an error', async () => {
    const r = await cloud.invoke('crash', { mode: 'bigint' }, { openid: 'o1' });
    expect(r.error.message).toContain('not JSON-serialisable');
  });

  test('callback-style handlers (SCF signature) work for success and error', async () => {
    expect((await cloud.invoke('crash', { mode: 'callback' }, { openid: 'o1' })).result).toEqual({ via: 'callback' });
    expect((await cloud.invoke('crash', { mode: 'callback-error' }, { openid: 'o1' })).error.message).toContain('cb failed');
  });
});
