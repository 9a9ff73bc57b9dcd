/**
 * The local cloud's SDK endpoint against a hostile page in the developer's browser: cross-site
 * text/plain POSTs (the kind a page may send without asking) and DNS rebinding (a foreign name in
 * `Host`) are refused, while the unmodified SDKs, which send neither Origin nor token, keep working.
 */
import { request } from 'node:http';
import { useCloud } from '../helpers/cloud';
import { EVIL_HOST, startAttacker, type Attacker } from './attacker';

jest.setTimeout(60_000);

const cloud = useCloud();
let attacker: Attacker;
beforeAll(async () => {
  attacker = await startAttacker();
});
afterAll(async () => {
  await attacker?.close();
});

/** A raw HTTP request with exactly the headers given (fetch may not set Host). */
function raw(url: string, method: string, headers: Record<string, string>, body = ''): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const productCount = async (id: string): Promise<number> =>
  (await cloud.node().database().collection('products').where({ _id: id }).count()).total;

test('a cross-site text/plain POST from a web page writes nothing to the local cloud', async () => {
  const line = JSON.stringify({ _id: 'evil-one-fen', name: '一分钱', price: 1 });
  const importUrl = `${cloud.url}/_emulator/v1/database/products:import`;
  const sent = await attacker.run(
    `fetch(${JSON.stringify(importUrl)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(line)} })
       .then(() => 'sent', (e) => 'not sent: ' + e.message)`,
  );
  expect(sent).toBe('sent'); // the browser did send it: refusing it is the server's job
  const control = await attacker.run(
    `fetch(${JSON.stringify(cloud.adminUrl)}, { method: 'POST', mode: 'no-cors', body: JSON.stringify({ action: 'database.addCollection', collectionName: 'evil_coll' }) })
       .then(() => 'sent', (e) => 'not sent: ' + e.message)`,
  );
  expect(control).toBe('sent');
  expect(await productCount('evil-one-fen')).toBe(0);
  const collections = (await cloud.local('GET', '/health')).json.collections as string[];
  expect(collections).not.toContain('evil_coll');

  // What the browser sent, replayed: the answer says why.
  const replay = await raw(importUrl, 'POST', { host: new URL(cloud.url).host, origin: `http://${EVIL_HOST}:${attacker.port}`, 'content-type': 'text/plain' }, line);
  expect(replay.status).toBe(403);
  expect(replay.json.error.code).toBe('FORBIDDEN_ORIGIN');
});

test('a foreign Host (DNS rebinding) reads nothing and writes nothing', async () => {
  const { port } = new URL(cloud.url);
  // The rebinding page is same-origin with itself: it can read whatever the server answers it.
  expect(await attacker.visit(`http://${EVIL_HOST}:${port}/_emulator/v1/database/orders:export`)).toBe(403);
  const write = await raw(`${cloud.url}/_emulator/v1/database/products:import`, 'POST', { host: `${EVIL_HOST}:${port}`, 'content-type': 'application/json' }, JSON.stringify({ _id: 'evil-rebound' }));
  expect(write.status).toBe(403);
  expect(write.json.error.code).toBe('FORBIDDEN_HOST');
  expect(await productCount('evil-rebound')).toBe(0);
});

test('the SDKs and local tools still get in: loopback names, no Origin, no token', async () => {
  const { port } = new URL(cloud.url);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
    expect((await raw(`${cloud.url}/_emulator/v1/health`, 'GET', { host })).status).toBe(200);
  }
  // A page of the local cloud itself (the console is served from this origin) may post.
  const own = await raw(`${cloud.url}/_emulator/v1/database/products:import`, 'POST', { host: `127.0.0.1:${port}`, origin: cloud.url, 'content-type': 'application/json' }, JSON.stringify({ _id: 'own-origin', name: 'ok' }));
  expect(own.status).toBe(200);
  await cloud.node().database().collection('products').add({ _id: 'sdk-write', name: 'sdk' });
  expect(await productCount('sdk-write')).toBe(1);
});
