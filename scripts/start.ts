/**
 * `npm start`: the local store. Starts the local cloud (emulator/) on a data folder in .data/, and, once
 * the simulator's browser preview is available, the store in a phone frame. Prints every URL.
 */
import { resolve } from 'node:path';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  const { startEmulator } = (await import('../emulator')) as typeof import('../emulator');
  const cloud = await startEmulator({ port: Number(process.env.CLOUD_PORT ?? 9777), dataDir: resolve(root, '.data') });
  console.log(`local cloud:  ${cloud.url}  (SDK serviceUrl ${cloud.adminUrl}, env ${cloud.envId})`);
  const stop = async () => {
    await cloud.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
