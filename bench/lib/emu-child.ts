/**
 * Runs the emulator in its own process with any `startEmulator` options (the CLI exposes only a few),
 * so that the load generator and the local cloud do not share one event loop.
 *   node --import tsx bench/lib/emu-child.ts '<EmulatorOptions as JSON>'
 * Prints one line `EMU_READY {"port":…,"url":…,"adminUrl":…,"envId":…,"dataDir":…}` on stdout.
 * SIGTERM/SIGINT stop it cleanly. Bench-only helper (the contract lives in emulator/index.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Session } from 'node:inspector';
import { startEmulator, type EmulatorOptions } from '../../emulator';

/**
 * With EMU_PROFILE_DIR set, SIGUSR2 starts a CPU profile of this process and the next SIGUSR2 writes it
 * there (so a benchmark can profile the calls it measures, without the seeding before them).
 */
function profileOnSignal(dir: string): void {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, r) => {
      if (!err) fs.writeFileSync(path.join(dir, `emulator-${Date.now()}.cpuprofile`), JSON.stringify(r.profile));
      process.stdout.write('EMU_PROFILE_WRITTEN\n');
    });
  });
}

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
  if (process.env.EMU_PROFILE_DIR) profileOnSignal(process.env.EMU_PROFILE_DIR);
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
