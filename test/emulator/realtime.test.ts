/**
 * watch() through the real @cloudbase/node-sdk: the local cloud does not emulate realtime push, and says
 * so at once through the listener's onError (never a silent hang, never onChange).
 */
import WebSocket from 'ws';
import { Db } from '@cloudbase/database';
import { NOT_EMULATED_REASON, REALTIME_PATH } from '../../emulator/realtime/emulated';
import { until, useCloud } from '../helpers/cloud';

const cloud = useCloud();

// The SDK opens its socket with the runtime's global WebSocket (Node 22 and later); on older Node an
// app must hand it a class, here as anywhere (docs/reference/cloudbase-services.md, "Realtime").
const hadWsClass = Db.wsClass;
beforeAll(() => {
  if (typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'function') Db.wsClass = WebSocket;
});
afterAll(() => {
  Db.wsClass = hadWsClass;
});

test('watch() calls onError at once with the not-emulated reason, once, and never onChange', async () => {
  const logs: string[] = [];
  const record = (...args: unknown[]) => void logs.push(args.map(String).join(' '));
  const spies = [jest.spyOn(console, 'warn'), jest.spyOn(console, 'log'), jest.spyOn(console, 'error')].map((s) => s.mockImplementation(record));
  try {
    let changes = 0;
    const errors: unknown[] = [];
    await new Promise<void>((resolve) => {
      cloud
        .node()
        .database()
        .collection('products')
        .where({ status: 'on_sale' })
        .watch({
          onChange: () => void (changes += 1),
          onError: (error: unknown) => {
            errors.push(error);
            resolve();
          },
        });
    });
    const error = errors[0] as { errCode?: string; errMsg?: unknown };
    expect(error.errCode).toBe('SDK_DATABASE_REALTIME_LISTENER_WEBSOCKET_CONNECTION_CLOSED');
    expect(String(error.errMsg)).toContain(NOT_EMULATED_REASON);
    // The SDK's INIT_WATCH request still times out (10 s, its constant) before it goes quiet for good;
    // wait for that, so nothing of it outlives this test, and check it reported nothing more.
    await until(async () => logs.some((l) => l.includes('client paused')), Boolean, 'the SDK to go quiet', 20_000);
    expect(errors).toHaveLength(1);
    expect(changes).toBe(0);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}, 30_000);

test('the realtime socket refuses a browser (any Origin) and an unknown Host', async () => {
  const url = `${cloud.adminUrl.replace(/^http/, 'ws').replace(/\/admin$/, '')}${REALTIME_PATH}`;
  const status = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
  expect(await status({})).toBe(101);
  expect(await status({ origin: 'https://evil.example' })).toBe(403);
  expect(await status({ host: 'evil.example' })).toBe(403);
});

test('a malformed or unknown message gets a clear answer, not a crash', async () => {
  const url = `${cloud.adminUrl.replace(/^http/, 'ws').replace(/\/admin$/, '')}${REALTIME_PATH}`;
  const ws = new WebSocket(url);
  await new Promise((resolve) => ws.on('open', resolve));
  const reply = new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
  ws.send(JSON.stringify({ requestId: 'r1', msgType: 'NOPE' }));
  expect(await reply).toMatchObject({ requestId: 'r1', msgType: 'ERROR', msgData: { code: 'INVALID_PARAM' } });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.send('{not json');
  expect(await closed).toBe(1007);
});
