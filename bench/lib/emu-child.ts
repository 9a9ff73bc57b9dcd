/**
 * Runs the emulator in its own process with any `startEmulator` options (the CLI exposes only a few),
 * so that the load generator and the local cloud do not share one event loop.
 *   node --import tsx bench/lib/emu-child.ts '<EmulatorOptions as JSON>'
 * Prints one line `EMU_READY {"port":…,"url":…,"adminUrl":…,"envId":…,"dataDir":…}` on stdout.
 * SIGTERM/SIGINT stop it cleanly. Bench-only helper (the contract lives in emulator/index.ts).
 */
import { startEmulator, type EmulatorOptions } from '../../emulator';

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
  const emu = await startEmulator({ quiet: true, timers: false, ...opts });
  process.stdout.write(`EMU_READY ${JSON.stringify({ port: emu.port, url: emu.url, adminUrl: emu.adminUrl, envId: emu.envId, dataDir: emu.dataDir })}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await emu.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((e) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
