/**
 * The store preview (phone frame) drives the simulator: it needs the per-start secret, and a page from
 * another origin cannot make it tap, type or switch users.
 */
import { startPreview, type Preview } from '../../simulator/preview';
import { tokenHeader, withToken } from '../../security/guard';
import { FIXTURE } from '../simulator/helpers';
import { startAttacker, type Attacker } from './attacker';

jest.setTimeout(90_000);

let preview: Preview;
let attacker: Attacker;
beforeAll(async () => {
  preview = await startPreview({ projectPath: FIXTURE, port: 0 });
  attacker = await startAttacker();
});
afterAll(async () => {
  await attacker?.close();
  await preview?.close();
});

const snapshotHtml = async (): Promise<string> => (await (await fetch(`${preview.url}api/snapshot`, { headers: tokenHeader(preview.secret) })).json()).html;

test('without the secret the preview answers nothing', async () => {
  expect((await fetch(preview.url)).status).toBe(401);
  expect((await fetch(`${preview.url}api/snapshot`)).status).toBe(401);
  const tap = await fetch(`${preview.url}api/user`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: 'oEVIL' }) });
  expect(tap.status).toBe(401);
});

test('a page on another local port, with the cookie attached, cannot tap in the store', async () => {
  expect(await attacker.visit(withToken(preview.url, preview.secret))).toBe(200);
  const html = await snapshotHtml();
  expect(html).toContain('Home taps=0');
  const sid = /class="title"[^>]*data-sid="(\d+)"|data-sid="(\d+)"[^>]*class="title"/.exec(html)!.slice(1).find(Boolean)!;
  const sent = await attacker.run(
    `fetch(${JSON.stringify(`${preview.url}api/tap`)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ sid: ${JSON.stringify(sid)} }) })
       .then(() => 'sent', (e) => 'not sent: ' + e.message)`,
    { host: '127.0.0.1' },
  );
  expect(sent).toBe('sent');
  expect(await snapshotHtml()).toContain('Home taps=0');
  // The phone frame's own page, logged in by the link, still taps.
  const frame = attacker.context.pages().at(-1)!;
  await frame.goto(withToken(preview.url, preview.secret));
  const status = await frame.evaluate(`fetch('api/tap', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sid: ${JSON.stringify(sid)} }) }).then((r) => r.status)`);
  expect(status).toBe(200);
  expect(await snapshotHtml()).toContain('Home taps=1');
});
