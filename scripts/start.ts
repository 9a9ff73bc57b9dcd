/**
 * `npm start`: the store, locally.
 * 0. the cloud functions, built (esbuild, a fraction of a second);
 * 1. the local cloud (emulator/) on .data/cloud, running the built cloud functions;
 * 2. the demo catalog, seeded once (a merchant's later edits are kept across restarts);
 * 3. the merchant console, served by the local cloud at /console;
 * 4. the store in a phone frame in the browser (the simulator's preview), pointed at that cloud.
 *
 * Ports: CLOUD_PORT (default 9777), PREVIEW_PORT (default 9780); data folder: DATA_DIR (default .data/cloud);
 * logs: LOG_DIR (default .data/logs).
 *
 * One process owns everything: package.json runs it with `exec node`, so the signals npm forwards
 * (SIGINT, SIGTERM) reach it, and it stops when npm itself goes away without forwarding (SIGHUP, SIGKILL).
 */
import { resolve } from 'node:path';
import { connect, localCloudPort } from '../admin/cloud';
import { localFunctionEnv } from '../admin/merchant-key';
import { seedDemoCatalog } from '../admin/demo-catalog';
import { reindexProducts } from '../admin/search-index';
import { storeCodes } from '../admin/store-codes';
import { createConsole } from '../console';
import { startEmulator, type Emulator } from '../emulator';
import { startPreview, type Preview } from '../simulator/preview';
import { logDir } from '../simulator/log-file';
import { newSecret, withToken } from '../security/guard';
import { buildFunction, functionNames } from './build-functions';

const root = resolve(__dirname, '..');
let cloud: Emulator | undefined;
let preview: Preview | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await preview?.close().catch(() => undefined);
    await cloud?.stop().catch(() => undefined);
  }
  process.exit(code);
}

/** A busy port is a normal first-run problem: say which one and how to pick another, no stack trace. */
async function onPort<T>(what: string, variable: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.error(`\nport ${port} (${what}) is already in use: another \`npm start\`, or another program, holds it.`);
    console.error(`Stop it, or choose another port:  ${variable}=${port + 10} npm start`);
    return stop(1);
  }
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  const launcher = process.ppid;
  setInterval(() => {
    if (process.ppid !== launcher) void stop(0); // re-parented: whoever started us is gone
  }, 250).unref();

  const names = functionNames();
  for (const name of names) await buildFunction(name);
  console.log(`functions     ${names.length} built (${names.join(', ')})`);

  // One secret per start for the browser UIs; only these printed links carry it (README, "Security").
  const secret = newSecret();
  const cloudPort = localCloudPort();
  const dataDir = resolve(process.env.DATA_DIR || resolve(root, '.data', 'cloud'));
  cloud = await onPort('local cloud', 'CLOUD_PORT', cloudPort, () => startEmulator({ port: cloudPort, dataDir, quiet: true, functionEnv: localFunctionEnv() }));
  cloud.mount('/console', createConsole({ cloudUrl: cloud.url, envId: cloud.envId, secret }));
  console.log(`local cloud   ${cloud.url}   (SDK serviceUrl ${cloud.adminUrl}, env ${cloud.envId}, data ${cloud.dataDir})`);

  process.stdout.write('demo catalog  seeding… ');
  const store = connect({ kind: 'local', envId: cloud.envId, cloudUrl: cloud.url });
  const { app } = store;
  const seeded = await seedDemoCatalog(app, { ifEmpty: true });
  console.log(seeded.skipped ? 'kept the existing catalog' : `${seeded.products} products in ${seeded.categories} categories`);
  if (seeded.skipped) {
    // Kept data may predate the search index or hold hand edits: bring its keywords up to date.
    const reindexed = await reindexProducts(store.db);
    if (reindexed.updated > 0) console.log(`search index  ${reindexed.updated} of ${reindexed.scanned} products re-indexed`);
  }
  console.log(`console       ${withToken(`${cloud.url}/console/`, secret)}`);

  const previewPort = Number(process.env.PREVIEW_PORT || 9780);
  const cloudUrl = cloud.url;
  const codes = storeCodes(store);
  preview = await onPort('store preview', 'PREVIEW_PORT', previewPort, () => startPreview({ projectPath: root, cloudUrl, port: previewPort, secret, codes }));
  console.log(`store         ${withToken(preview.url, secret)}   (phone frame: scan a QR code, open a share card, switch users, go offline, pay)`);
  console.log(`Open the links above as printed: their token is this run's secret. Logs: ${logDir()}`);
  console.log('Ctrl+C stops everything; data stays in .data/cloud (delete it to start over).');
}

main().catch((error: unknown) => {
  console.error(error);
  void stop(1);
});
