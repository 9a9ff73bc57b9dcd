/**
 * `npm start`: the store, locally.
 * 1. the local cloud (emulator/) on .data/cloud, running the built cloud functions;
 * 2. the demo catalog, seeded once (a merchant's later edits are kept across restarts);
 * 3. the merchant console, served by the local cloud at /console;
 * 4. the store in a phone frame in the browser (the simulator's preview), pointed at that cloud.
 *
 * Ports: CLOUD_PORT (default 9777), PREVIEW_PORT (default 9780); data folder: DATA_DIR (default .data/cloud).
 */
import { resolve } from 'node:path';
import { connect } from '../admin/cloud';
import { seedDemoCatalog } from '../admin/demo-catalog';
import { storeCodes } from '../admin/store-codes';
import { createConsole } from '../console';
import { startEmulator } from '../emulator';
import { startPreview } from '../simulator/preview';
import { newSecret, withToken } from '../security/guard';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  // One secret per start for the browser UIs; only these printed links carry it (see README, "Security").
  const secret = newSecret();
  const cloud = await startEmulator({ port: Number(process.env.CLOUD_PORT ?? 9777), dataDir: resolve(process.env.DATA_DIR ?? resolve(root, '.data', 'cloud')), quiet: true });
  cloud.mount('/console', createConsole({ cloudUrl: cloud.url, envId: cloud.envId, secret }));
  console.log(`local cloud   ${cloud.url}   (SDK serviceUrl ${cloud.adminUrl}, env ${cloud.envId}, data ${cloud.dataDir})`);

  process.stdout.write('demo catalog  seeding… ');
  const store = connect({ kind: 'local', envId: cloud.envId, cloudUrl: cloud.url });
  const { app } = store;
  const seeded = await seedDemoCatalog(app, { ifEmpty: true });
  console.log(seeded.skipped ? 'kept the existing catalog' : `${seeded.products} products in ${seeded.categories} categories`);
  console.log(`console       ${withToken(`${cloud.url}/console/`, secret)}`);

  const preview = await startPreview({ projectPath: root, cloudUrl: cloud.url, port: Number(process.env.PREVIEW_PORT ?? 9780), secret, codes: storeCodes(store) });
  console.log(`store         ${withToken(preview.url, secret)}   (phone frame: scan a QR code, open a share card, switch users, go offline, pay)`);
  console.log('Ctrl+C stops everything; data stays in .data/cloud (delete it to start over).');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await preview.close();
    await cloud.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
