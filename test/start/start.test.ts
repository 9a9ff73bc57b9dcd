/**
 * README's first quick-start command ends in `npm start`: the local cloud with the demo catalog, the
 * merchant console and the store preview. This runs the same script (after `npm test`'s build) on free
 * ports and a temp data folder, and checks that each printed URL serves what it says.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
let child: ChildProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'store-start-'));

afterAll(async () => {
  const proc = child;
  if (proc?.pid && proc.exitCode === null) {
    const exited = new Promise((done) => proc.once('exit', done));
    process.kill(-proc.pid, 'SIGTERM');
    await exited;
  }
  proc?.stdout?.destroy();
  proc?.stderr?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

function waitForUrls(proc: ChildProcess): Promise<Record<string, string>> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const urls: Record<string, string> = {};
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const [, name, url] of out.matchAll(/^(local cloud|console|store)\s+(http:\/\/\S+)/gm)) urls[name] = url;
      if (urls.store) resolvePromise(urls);
    });
    proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${out}`)));
  });
}

test('npm start serves the cloud with the demo catalog, the console and the store preview', async () => {
  child = spawn(process.execPath, [require.resolve('tsx/cli'), 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, CLOUD_PORT: '0', PREVIEW_PORT: '0', DATA_DIR: dataDir },
    detached: true,
  });
  const urls = await waitForUrls(child);

  const health = await (await fetch(`${urls['local cloud']}/_emulator/v1/health`)).json();
  expect(health.functions).toEqual(expect.arrayContaining(['catalog', 'inventory', 'orders', 'scenes']));
  const listed = await (
    await fetch(`${urls['local cloud']}/_emulator/v1/functions/catalog:invoke`, {
      method: 'POST',
      body: JSON.stringify({ event: { action: 'list', pageSize: 5 }, openid: 'oSTART_SMOKE' }),
    })
  ).json();
  expect(listed.result.ok).toBe(true);
  expect(listed.result.data.items).toHaveLength(5);

  // The printed links carry the per-start secret; the same URLs without it are refused.
  expect(await (await fetch(urls.console)).text()).toContain('<html');
  expect((await fetch(urls.console.replace(/\?token=.*$/, ''))).status).toBe(401);
  expect(await (await fetch(urls.store)).text()).toContain('Mini Program preview');
}, 120_000);
