// Headless Chromium through playwright-core, using the system browser (Debian `chromium`).
import fs from 'fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function chromiumPath(): string {
  const candidates = [process.env.SIMULATOR_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const hit = candidates.find((c) => fs.existsSync(c));
  if (!hit) {
    throw new Error('Chromium not found (looked at ' + candidates.join(', ') + '). Screenshots and layout need it: install with `apt-get install -y chromium` or set SIMULATOR_CHROMIUM.');
  }
  return hit;
}

export async function launchChromium(extraFlags: string[] = []): Promise<Browser> {
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_FLAGS, ...extraFlags] });
}
