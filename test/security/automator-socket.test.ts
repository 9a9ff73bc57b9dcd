/**
 * The simulator's automator socket runs code (App.callFunction): only programs may connect. A page in
 * the developer's browser always sends `Origin` on a WebSocket handshake; miniprogram-automator never does.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startFixture, type Started } from '../simulator/helpers';
import { EVIL_HOST, startAttacker, type Attacker } from './attacker';

jest.setTimeout(90_000);

let sim: Started;
let attacker: Attacker;
const scratch = mkdtempSync(join(tmpdir(), 'automator-attack-'));
const marker = join(scratch, 'pwned');

beforeAll(async () => {
  sim = await startFixture();
  attacker = await startAttacker();
});
afterAll(async () => {
  await attacker?.close();
  await sim?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** What the attack in the report did: write a file through App.callFunction. */
const payload = JSON.stringify({
  id: 'x1',
  method: 'App.callFunction',
  params: { functionDeclaration: `function () { process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(marker)}, 'pwned'); return 'ran'; }`, args: [] },
});

test('a web page cannot open the automator socket, so cannot run code on the machine', async () => {
  const outcome = await attacker.run<string>(`new Promise((resolve) => {
    const ws = new WebSocket(${JSON.stringify(sim.wsEndpoint)});
    ws.onopen = () => ws.send(${JSON.stringify(payload)});
    ws.onmessage = (e) => resolve('answered ' + e.data);
    ws.onerror = () => resolve('refused');
    setTimeout(() => resolve('no answer'), 10000);
  })`);
  expect(outcome).toBe('refused');
  expect(existsSync(marker)).toBe(false);
});

function handshake(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(sim.wsEndpoint, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => resolve(-1));
  });
}

test('any Origin, even a local one, and a foreign Host are refused at the handshake', async () => {
  const port = new URL(sim.wsEndpoint).port;
  expect(await handshake({ origin: `http://127.0.0.1:${port}` })).toBe(403);
  expect(await handshake({ origin: 'null' })).toBe(403);
  expect(await handshake({ host: `${EVIL_HOST}:${port}` })).toBe(403);
  expect(await handshake({})).toBe(101);
});

test('the unmodified miniprogram-automator still drives the simulator', async () => {
  expect(await sim.mp.evaluate(() => 1 + 1)).toBe(2);
  expect(existsSync(marker)).toBe(false);
});
