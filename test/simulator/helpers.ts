// Shared launch helpers for the simulator conformance suite. Every test drives the UNMODIFIED
// miniprogram-automator; `launchFixture` goes through automator.launch (the DevTools contract),
// `startFixture` spawns the CLI and uses automator.connect (no 5 s client sleep).
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import http from 'http';
import net from 'net';
import os from 'os';
import path from 'path';
import automator from 'miniprogram-automator';
import type MiniProgram from 'miniprogram-automator/out/MiniProgram';
import type Element from 'miniprogram-automator/out/Element';
import type { CustomElement, InputElement } from 'miniprogram-automator/out/Element';
import { freePort } from '../../simulator/free-port';
export { freePort };

export type { MiniProgram };
export const CLI = path.resolve(__dirname, '../../simulator/cli.js');
export const FIXTURE = path.resolve(__dirname, '../fixtures/simulator-app');


export async function launchFixture(opts: { args?: string[]; projectPath?: string; projectConfig?: Record<string, unknown> } = {}): Promise<MiniProgram> {
  return automator.launch({ cliPath: CLI, projectPath: opts.projectPath ?? FIXTURE, port: await freePort(), args: opts.args ?? [], projectConfig: opts.projectConfig });
}

export interface Started { mp: MiniProgram; child: ChildProcess; wsEndpoint: string; close(): Promise<void> }

/** Spawns `cli auto` and connects as soon as the socket is up. */
export async function startFixture(opts: { args?: string[]; projectPath?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, ...(opts.args ?? []), 'auto', '--project', opts.projectPath ?? FIXTURE, '--auto-port', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...(opts.env ?? {}) },
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const deadline = Date.now() + 30000;
  // eslint-disable-next-line no-constant-condition
  while (true) {
    try {
      const mp = await automator.connect({ wsEndpoint: `ws://127.0.0.1:${port}` });
      return {
        mp,
        child,
        wsEndpoint: `ws://127.0.0.1:${port}`,
        async close() {
          const exited = new Promise((r) => child.once('exit', r));
          await mp.close();
          await exited;
        },
      };
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`simulator did not start: ${stderr || String(err)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * The fixture app for one test file: started (`startFixture()`) before its tests and closed after them.
 * Its fields are read through getters, so they exist once `beforeAll` has run.
 */
export function useFixture(): Started {
  let started: Started | undefined;
  beforeAll(async () => {
    started = await startFixture();
  });
  afterAll(async () => {
    await started?.close();
  });
  const get = (): Started => {
    if (!started) throw new Error('the fixture app is not started (useFixture() starts it in beforeAll)');
    return started;
  };
  return {
    get mp() {
      return get().mp;
    },
    get child() {
      return get().child;
    },
    get wsEndpoint() {
      return get().wsEndpoint;
    },
    close: () => get().close(),
  };
}

/** A copy of the fixture in a temp dir, for tests that need their own project files. */
export function copyFixture(extraFiles: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-fixture-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  for (const [rel, content] of Object.entries(extraFiles)) fs.writeFileSync(path.join(dir, rel), content);
  return dir;
}

export interface StubCall { url: string; body: Record<string, unknown> }

/** A tiny stand-in for the local cloud's /_emulator/v1 endpoints (the real one is built elsewhere). */
export async function startCloudStub(): Promise<{ url: string; calls: StubCall[]; close(): Promise<void> }> {
  const calls: StubCall[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += String(c)));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      calls.push({ url: req.url ?? '', body });
      res.setHeader('content-type', 'application/json');
      const reply = (status: number, payload: unknown): void => {
        res.statusCode = status;
        res.end(JSON.stringify(payload));
      };
      const m = /^\/_emulator\/v1\/functions\/([^/:]+):invoke$/.exec(req.url ?? '');
      if (m && m[1] === 'whoami') reply(200, { result: { openid: body.openid, event: body.event } });
      else if (m && m[1] === 'getProduct') reply(200, { result: { name: 'Cup #' + String((body.event as { id?: string }).id) } });
      else if (m && m[1] === 'boom') reply(200, { error: { code: 'FUNCTION_ERROR', message: 'boom failed' } });
      else if (req.url === '/_emulator/v1/openapi/subscriptions') reply(200, { ok: true });
      else if (req.url === '/_emulator/v1/pay/confirm') reply(200, { result: { delivered: true, package: body.package } });
      else if (req.url?.startsWith('/echo')) reply(200, { method: req.method, url: req.url, body });
      else reply(404, { error: { code: 'NOT_FOUND', message: 'no such endpoint' } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return { url, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The current page (fails the test if there is none). */
export async function current(mp: MiniProgram) {
  const page = await mp.currentPage();
  if (!page) throw new Error('no current page');
  return page;
}

/** Opens a page as a fresh stack (callWxMethod avoids the client's own sleep after navigation). */
export async function openPage(mp: MiniProgram, url: string) {
  await mp.callWxMethod('reLaunch', { url });
  return current(mp);
}

/** Narrowing helpers: the client picks the element class at runtime from tagName / nodeId. */
export function custom(el: Element | null): CustomElement {
  if (!el) throw new Error('element not found');
  return el as unknown as CustomElement;
}
export function field(el: Element | null): InputElement {
  if (!el) throw new Error('element not found');
  return el as unknown as InputElement;
}
/** The protocol id the client keeps privately (elementId / pageId). */
export function idOf(x: unknown): unknown {
  return (x as { id: unknown }).id;
}
