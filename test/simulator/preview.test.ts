// The browser preview server: phone frame page, live page snapshot, taps and typing forwarded to
// the simulator, native modal answered from the frame.
import { startPreview, type Preview } from '../../simulator/preview';
import { FIXTURE } from './helpers';
import { tokenHeader } from '../../security/guard';

let preview: Preview;
beforeAll(async () => {
  preview = await startPreview({ projectPath: FIXTURE, port: 0 });
});
afterAll(async () => {
  await preview?.close();
});

type Snapshot = { route: string; title: string; html: string; styles?: string[]; isTab: boolean; stackDepth: number; native: { modal: unknown } };
const snapshot = async (): Promise<Snapshot> => (await fetch(preview.url + 'api/snapshot', { headers: tokenHeader(preview.secret) })).json() as Promise<Snapshot>;
const post = (p: string, body: unknown) => fetch(preview.url + p, { method: 'POST', headers: { 'content-type': 'application/json', ...tokenHeader(preview.secret) }, body: JSON.stringify(body) });

function sidOf(html: string, cls: string): string {
  const m = new RegExp(`class="${cls}"[^>]*data-sid="(\\d+)"|data-sid="(\\d+)"[^>]*class="${cls}"`).exec(html);
  if (!m) throw new Error(`no .${cls} in snapshot`);
  return m[1] ?? m[2];
}

test('serves the phone frame and a snapshot of the current page with its styles', async () => {
  const page = await (await fetch(preview.url, { headers: tokenHeader(preview.secret) })).text();
  expect(page).toContain('id="screen"');
  const snap = await snapshot();
  expect(snap.route).toBe('pages/index/index');
  expect(snap.title).toBe('Fixture');
  expect(snap.isTab).toBe(true);
  expect(snap.html).toContain('Home taps=0');
  expect(snap.styles?.join('\n')).toContain('setCssToHead');
});

test('taps and input from the browser reach the simulator', async () => {
  let snap = await snapshot();
  await post('api/tap', { sid: sidOf(snap.html, 'title') });
  snap = await snapshot();
  expect(snap.html).toContain('Home taps=1');
  const inputSid = /data-input-sid="(\d+)"/.exec(snap.html)?.[1];
  await post('api/input', { sid: inputSid, value: 'mug' });
  expect((await snapshot()).html).toContain('kw:mug');
  await post('api/tap', { sid: sidOf(snap.html, 'name') });
  snap = await snapshot();
  expect(snap.route).toBe('pages/detail/detail');
  expect(snap.stackDepth).toBe(2);
  expect(snap.title).toBe('Detail');
  await post('api/back', {});
  expect((await snapshot()).route).toBe('pages/index/index');
});

test('native modal shows in the frame state and is answered from it', async () => {
  await post('api/switchTab', { url: '/pages/mine/mine' });
  let snap = await snapshot();
  expect(snap.route).toBe('pages/mine/mine');
  const del = sidOf(snap.html, 'delete');
  await post('api/tap', { sid: del });
  snap = await snapshot();
  expect(snap.native.modal).toMatchObject({ options: expect.any(Object) });
  await post('api/modal', { confirm: true });
  snap = await snapshot();
  expect(snap.native.modal).toBeNull();
  expect(snap.html).toContain('modal=confirmed');
});
