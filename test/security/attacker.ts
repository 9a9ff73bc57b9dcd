/**
 * A hostile web page, served the way an attacker would: a real headless Chromium opens a page on a
 * foreign origin and runs a script in it, while the developer's local servers are running.
 * - `http://evil.test:<port>` is a foreign site whose name resolves to 127.0.0.1 (as a DNS-rebinding
 *   domain does once it has switched its answer);
 * - `http://127.0.0.1:<other port>` is another local server (say another project's dev server) showing
 *   hostile content: the same site as ours for cookies, a different origin.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../simulator/chromium/browser';

export const EVIL_HOST = 'evil.test';

export interface Attacker {
  /** Port of the attacker's own page server. */
  port: number;
  /** The browser profile the developer uses (keeps cookies between pages). */
  context: BrowserContext;
  /** Opens `http://<host>:<port>/` (default: the attacker's server) and evaluates `script` there. */
  run<T = unknown>(script: string, at?: { host?: string; port?: number }): Promise<T>;
  /** Navigates the developer's browser to `url`; answers the final response status. */
  visit(url: string): Promise<number>;
  close(): Promise<void>;
}

export async function startAttacker(): Promise<Attacker> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>win a prize</title><p>nothing to see here</p>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  const browser: Browser = await launchChromium([`--host-resolver-rules=MAP ${EVIL_HOST} 127.0.0.1`]);
  const context = await browser.newContext();
  let page: Page | undefined;
  const fresh = async () => {
    await page?.close();
    page = await context.newPage();
    return page;
  };
  return {
    port,
    context,
    async run<T>(script: string, at: { host?: string; port?: number } = {}) {
      const p = await fresh();
      await p.goto(`http://${at.host ?? EVIL_HOST}:${at.port ?? port}/`);
      return (await p.evaluate(script)) as T;
    },
    async visit(url: string) {
      const p = await fresh();
      const response = await p.goto(url);
      return response?.status() ?? 0;
    },
    async close() {
      await browser.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
