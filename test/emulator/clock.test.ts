/**
 * The local cloud's clock (POST /_emulator/v1/clock): functions see it as Date.now() / new Date(), and
 * timer triggers, the pay sandbox, transaction lifetimes and temporary storage links follow it.
 */
import { startCloud, until, useCloud } from '../helpers/cloud';

const cloud = useCloud();
afterEach(async () => {
  await cloud.setClock({ reset: true });
});

/** yyyyMMddHHmmss in China time, as WeChat Pay writes times */
function wxTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

test('a frozen clock is what a function sees as Date.now(), new Date() and Date(); it moves only when told', async () => {
  const at = Date.parse('2030-05-20T04:00:00.000Z');
  const state = await cloud.setClock({ frozenAt: '2030-05-20T04:00:00.000Z' });
  expect(state).toMatchObject({ now: at, frozen: true });
  const first = (await cloud.invoke('clock', {}, { openid: 'oCLOCK' })).result;
  expect(first).toMatchObject({ now: at, iso: '2030-05-20T04:00:00.000Z', explicit: '1970-01-01T00:00:00.000Z', isDate: true });
  expect(new Date(first.text).getTime()).toBe(at);
  expect((await cloud.invoke('clock', {}, { openid: 'oCLOCK' })).result.now).toBe(at);

  await cloud.setClock({ advanceMs: 90 * 60_000 });
  expect((await cloud.invoke('clock', {}, { openid: 'oCLOCK' })).result.now).toBe(at + 90 * 60_000);
  // Running again from there: the function's time is past the frozen instant and keeps moving.
  await cloud.setClock({ freeze: false });
  const running = (await cloud.invoke('clock', {}, { openid: 'oCLOCK' })).result.now;
  expect(running).toBeGreaterThanOrEqual(at + 90 * 60_000);
  // The clock's own answer is the reference (server dates use it too).
  expect((await cloud.local('GET', '/clock')).json.frozen).toBe(false);
});

test('an offset clock runs at real speed ahead of real time, also for serverDate()', async () => {
  const day = 24 * 3600_000;
  await cloud.setClock({ offsetMs: day });
  const seen = (await cloud.invoke('clock', {}, { openid: 'oCLOCK' })).result.now;
  const real = Date.now();
  expect(seen - real).toBeGreaterThan(day - 60_000);
  expect(seen - real).toBeLessThan(day + 60_000);
  const db = cloud.wx().database();
  await db.createCollection('clock_dates');
  await db.collection('clock_dates').doc('clock-serverdate').set({ data: { at: db.serverDate() } });
  const stored = (await db.collection('clock_dates').doc('clock-serverdate').get()).data.at as Date;
  expect(stored.getTime() - Date.now()).toBeGreaterThan(day - 60_000);
});

test('bad clock changes are refused with 400 and change nothing', async () => {
  await cloud.setClock({ frozenAt: 1_900_000_000_000 });
  for (const bad of [{ advanceMs: 'soon' }, { frozenAt: 'not a date' }, { offsetMs: Number.NaN }, { freeze: 'yes' }]) {
    const r = await cloud.local('POST', '/clock', bad);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('INVALID_PARAM');
  }
  expect((await cloud.local('GET', '/clock')).json).toMatchObject({ now: 1_900_000_000_000, frozen: true });
});

test('the pay sandbox follows the clock: time_end and the callback’s Date.now() are the clock’s, time_expire is judged by it', async () => {
  const at = Date.parse('2030-06-01T02:00:00.000Z');
  await cloud.setClock({ frozenAt: at });
  const expire = wxTime(at + 5 * 60_000);
  const paid = await cloud.invoke('pay', { outTradeNo: `CLK${Date.now()}a`, totalFee: 100, timeExpire: expire }, { openid: 'oCLKPAY' });
  expect(paid.result.payment.timeStamp).toBe(String(at / 1000));
  await cloud.setClock({ advanceMs: 60_000 });
  const c = await cloud.confirmPay(paid.result.payment.package);
  expect(c.event.timeEnd).toBe(wxTime(at + 60_000));
  const row = (await cloud.wx().database().collection('payments').where({ transactionId: c.transactionId }).get()).data[0];
  expect(row.handlerNow).toBe(at + 60_000);

  const late = await cloud.invoke('pay', { outTradeNo: `CLK${Date.now()}b`, totalFee: 100, timeExpire: expire }, { openid: 'oCLKPAY' });
  await cloud.setClock({ advanceMs: 5 * 60_000 });
  const refused = await cloud.local('POST', '/pay/confirm', { package: late.result.payment.package });
  expect(refused.status).toBe(409);
  expect(refused.json.error.code).toBe('ORDEREXPIRED');
});

test('temporary storage links expire on the clock', async () => {
  const app = cloud.node();
  const { fileID } = await app.uploadFile({ cloudPath: `clock/${Date.now()}.txt`, fileContent: Buffer.from('hello') });
  const { fileList } = await app.getTempFileURL({ fileList: [{ fileID, maxAge: 60 }] });
  const url = fileList[0].tempFileURL;
  expect((await fetch(url)).status).toBe(200);
  await cloud.setClock({ advanceMs: 61_000 });
  const expired = await fetch(url);
  expect(expired.status).toBe(403);
  expect(await expired.text()).toContain('Request has expired');
});

test('timer triggers run on the clock: moving it past a scheduled instant fires the trigger once, and the function sees that time', async () => {
  const h = await startCloud({ timers: true });
  try {
    // Just before 2030-01-01 03:00:00 China time, the trigger's only instant.
    const before = Date.parse('2029-12-31T18:59:58.000Z');
    await h.setClock({ frozenAt: before });
    const runs = async () => (await h.logs({ function: 'clock' })).filter((l: any) => l.trigger === 'newYear2030');
    expect(await runs()).toHaveLength(0);
    await h.setClock({ advanceMs: 5_000 });
    const [run] = await until(runs, (l) => l.length > 0, 'the timer to fire');
    const result = JSON.parse(run.result);
    expect(result.now).toBe(before + 5_000);
    expect(result.event).toMatchObject({ Type: 'Timer', TriggerName: 'newYear2030', Time: '2029-12-31T19:00:03Z' });
    // Once the scheduler has handled a later span (the every-second trigger ran for it), still one run.
    const ticks = async () => (await h.logs({ function: 'tick' })).length;
    const ticked = await ticks();
    await h.setClock({ advanceMs: 5_000 });
    await until(ticks, (n) => n > ticked, 'the scheduler to handle the next span');
    expect(await runs()).toHaveLength(1);
  } finally {
    await h.stop();
  }
});
