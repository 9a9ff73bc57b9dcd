/**
 * The merchant console, mounted on the local cloud as `npm start` does, against a hostile page in the
 * developer's own browser (the one that opened the console link and holds its cookie).
 */
import { request } from 'node:http';
import { createConsole, type ConsoleHandler } from '../../console';
import { tokenHeader, withToken } from '../../security/guard';
import { useCloud } from '../helpers/cloud';
import { EVIL_HOST, startAttacker, type Attacker } from './attacker';

jest.setTimeout(60_000);

const cloud = useCloud();
let attacker: Attacker;
let handler: ConsoleHandler;
let consoleUrl = '';

beforeAll(async () => {
  handler = createConsole({ cloudUrl: cloud.url, envId: cloud.envId });
  cloud.emu.mount('/console', handler);
  consoleUrl = `${cloud.url}/console/`;
  attacker = await startAttacker();
});
afterAll(async () => {
  await attacker?.close();
});

function raw(url: string, method: string, headers: Record<string, string>, body = ''): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text.startsWith('{') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const collections = async (): Promise<string[]> => (await cloud.local('GET', '/health')).json.collections;

test('without the secret the console answers nothing', async () => {
  expect((await fetch(consoleUrl)).status).toBe(401);
  expect((await fetch(`${consoleUrl}api/collections`)).status).toBe(401);
  expect((await fetch(`${consoleUrl}app.js`)).status).toBe(401);
  expect((await fetch(`${consoleUrl}api/info`, { headers: tokenHeader('0'.repeat(48)) })).status).toBe(401);
  expect((await fetch(`${consoleUrl}api/info`, { headers: { cookie: `store_token_${cloud.emu.port}=wrong` } })).status).toBe(401);
  const created = await fetch(`${consoleUrl}api/collections`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'no_secret' }) });
  expect(created.status).toBe(401);
  expect(await collections()).not.toContain('no_secret');
});

test('the printed link logs the browser in once: HttpOnly SameSite=Strict cookie, token gone from the address bar', async () => {
  expect(await attacker.visit(withToken(consoleUrl, handler.secret))).toBe(200);
  const page = attacker.context.pages().at(-1)!;
  expect(page.url()).toBe(consoleUrl);
  const cookie = (await attacker.context.cookies(cloud.url)).find((c) => c.name === `store_token_${cloud.emu.port}`);
  expect(cookie).toMatchObject({ value: handler.secret, httpOnly: true, sameSite: 'Strict', path: '/' });
  // The console works from its own page: reads and JSON writes.
  const status = await page.evaluate(`fetch('api/collections', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'from_console' }) }).then((r) => r.status)`);
  expect(status).toBe(201);
  expect(await collections()).toContain('from_console');
  expect(await page.evaluate('document.cookie')).toBe('');
});

test('cross-site text/plain POSTs change nothing, even from another local port that gets the cookie', async () => {
  await attacker.visit(withToken(consoleUrl, handler.secret)); // the developer is logged in
  const attack = (name: string) =>
    `fetch(${JSON.stringify(`${consoleUrl}api/collections`)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ name: ${JSON.stringify(name)} }) })
       .then(() => 'sent', (e) => 'not sent: ' + e.message)`;
  // Another site: the SameSite=Strict cookie stays home.
  expect(await attacker.run(attack('evil_cross_site'))).toBe('sent');
  // Another port on 127.0.0.1 is the same *site*: the browser attaches the cookie, so Origin must decide.
  expect(await attacker.run(attack('evil_same_site'), { host: '127.0.0.1' })).toBe('sent');
  expect(await collections()).not.toContain('evil_cross_site');
  expect(await collections()).not.toContain('evil_same_site');

  // Replayed with the secret itself, the same requests are still refused, and say why.
  const body = JSON.stringify({ name: 'evil_replayed' });
  const host = new URL(cloud.url).host;
  const foreign = await raw(`${consoleUrl}api/collections`, 'POST', { host, origin: `http://127.0.0.1:${attacker.port}`, 'content-type': 'text/plain', ...tokenHeader(handler.secret) }, body);
  expect(foreign.status).toBe(403);
  expect(foreign.json.error.code).toBe('FORBIDDEN_ORIGIN');
  const plain = await raw(`${consoleUrl}api/collections`, 'POST', { host, origin: cloud.url, 'content-type': 'text/plain', ...tokenHeader(handler.secret) }, body);
  expect(plain.status).toBe(415);
  expect(await collections()).not.toContain('evil_replayed');
});

test('a foreign Host is refused even with the secret (DNS rebinding)', async () => {
  const { port } = new URL(cloud.url);
  const r = await raw(`${consoleUrl}api/orders`, 'GET', { host: `${EVIL_HOST}:${port}`, ...tokenHeader(handler.secret) });
  expect(r.status).toBe(403);
  expect(r.json.error.code).toBe('FORBIDDEN_HOST');
});
