/**
 * `npm run cloud -- --port 9777 --data .data/cloud [--host 127.0.0.1] [--functions cloudfunctions] [--env local-env]
 *                  [--no-timers] [--no-indexes] [--quiet]`
 * Starts the emulator in the foreground and prints its URLs. SIGINT/SIGTERM stop it cleanly;
 * writes are durable anyway (SQLite WAL, synchronous=FULL), so kill -9 loses nothing acknowledged.
 */
import * as path from 'node:path';
import { startEmulator } from './index';

function parseArgs(argv: string[]) {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const [k, inline] = a.slice(2).split('=', 2);
    if (inline !== undefined) out[k] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) out[k] = argv[++i];
    else out[k] = true;
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log('usage: npm run cloud -- [--port 9777] [--host 127.0.0.1] [--data .data/cloud] [--functions cloudfunctions] [--env local-env] [--no-timers] [--no-indexes] [--quiet]');
    return;
  }
  const repo = path.resolve(__dirname, '..');
  const emu = await startEmulator({
    port: args.port !== undefined ? Number(args.port) : 9777,
    host: args.host ? String(args.host) : undefined,
    dataDir: path.resolve(String(args.data ?? path.join(repo, '.data', 'cloud'))),
    functionsDir: args.functions ? path.resolve(String(args.functions)) : undefined,
    envId: args.env ? String(args.env) : undefined,
    timers: !args['no-timers'],
    useIndexes: !args['no-indexes'],
    quiet: !!args.quiet,
  });
  console.log(`CloudBase emulator ready
  serviceUrl   ${emu.adminUrl}      (cloud.init({ env: '${emu.envId}', serviceUrl, secretId: 'local', secretKey: 'local' }))
  env          ${emu.envId}
  data         ${emu.dataDir}
  health       ${emu.url}/_emulator/v1/health
  invoke       POST ${emu.url}/_emulator/v1/functions/<name>:invoke  {"event":{},"openid":"oUSER"}
  logs         GET  ${emu.url}/_emulator/v1/logs
  pay confirm  POST ${emu.url}/_emulator/v1/pay/confirm  {"package":"prepay_id=..."}`);
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${sig}: stopping emulator`);
    await emu.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
