/**
 * Mounting the console: under /console with the full URL, with the prefix stripped by the host server,
 * passing foreign requests to `next`, and standalone through console/serve.ts.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createConsole } from '../../console';
import { useCloud } from '../helpers/cloud';
import { tokenHeader } from '../../security/guard';

jest.setTimeout(60_000);

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ base: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('mounted at /console: page, script, API, redirect; other paths go to next()', async () => {
  const handler = createConsole({ cloudUrl: cloud.url, envId: cloud.envId });
  const headers = tokenHeader(handler.secret);
  const { base, server } = await serve((req, res) =>
    handler(req, res, () => {
      res.writeHead(418);
      res.end('next');
    }),
  );
  try {
    const redirect = await fetch(`${base}/console`, { redirect: 'manual', headers });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/console/');
    const page = await fetch(`${base}/console/`, { headers });
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<script src="app.js"></script>');
    const script = await fetch(`${base}/console/app.js`, { headers });
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await script.text()).length).toBeGreaterThan(1000);
    const info = await (await fetch(`${base}/console/api/info`, { headers })).json();
    expect(info).toEqual({ envId: cloud.envId, cloudUrl: cloud.url });
    const missing = await fetch(`${base}/console/api/nope`, { headers });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('NOT_FOUND');
    const other = await fetch(`${base}/somewhere-else`);
    expect(other.status).toBe(418);
  } finally {
    server.close();
  }
});

test('mounted with the prefix already stripped (express-style)', async () => {
  const handler = createConsole({ cloudUrl: cloud.url, envId: cloud.envId });
  const headers = tokenHeader(handler.secret);
  const { base, server } = await serve((req, res) => {
    req.url = (req.url ?? '/').replace(/^\/admin-ui/, '') || '/';
    handler(req, res);
  });
  try {
    expect((await fetch(`${base}/admin-ui/`, { headers })).status).toBe(200);
    const collections = await (await fetch(`${base}/admin-ui/api/collections`, { headers })).json();
    expect(collections.collections).toContain('products');
  } finally {
    server.close();
  }
});

test('npx tsx console/serve.ts --cloud <url> serves it standalone', async () => {
  // Its own process group, so the whole tree (npx → tsx → node) can be stopped at the end.
  const child = spawn('npx', ['tsx', 'console/serve.ts', '--cloud', cloud.url, '--port', '0'], { cwd: resolve(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TENCENTCLOUD: 'true' }, detached: true });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /console: (http:\/\/\S+\/console\/\?token=\w+)/.exec(out);
        if (m) resolveUrl(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve.ts exited with ${code}: ${out}`)));
    });
    const link = new URL(url);
    const root = await fetch(link.origin, { redirect: 'manual' });
    expect(root.headers.get('location')).toBe('/console/');
    const info = await (await fetch(`${link.origin}/console/api/info`, { headers: tokenHeader(link.searchParams.get('token')!) })).json();
    expect(info.envId).toBe(cloud.envId);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
});
