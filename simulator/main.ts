// CLI: `cli auto --project <path> --auto-port <port> [--cloud-url URL] [--openid ID]
//        [--launch-scene N --launch-path P --launch-query Q] [--auto-modal confirm|cancel] [--log FILE]
//        [--idle-exit SECONDS]`
// Accepts and ignores DevTools' --auto-account / --ticket / --trust-project. Serves until Tool.close.
import os from 'os';
import path from 'path';
import { startSimulator } from './index';
import { withToken } from '../security/guard';
import { activeApp } from './runtime/app';
import { reportException } from './runtime/events';
import type { LaunchRequest } from './simulator';

function parseArgs(argv: string[]): { command: string; flags: Record<string, string | true> } {
  const flags: Record<string, string | true> = {};
  let command = '';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2);
      if (inline !== undefined) flags[k] = inline;
      else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) flags[k] = argv[++i];
      else flags[k] = true;
    } else if (!command) command = a;
  }
  return { command, flags };
}

/** App code's rejected promises nobody handled: App.onUnhandledRejection / wx.onUnhandledRejection
 *  plus an App.exceptionThrown event, as the base library reports them. */
function installRejectionHandler(): void {
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', (reason, promise) => {
    reportException(reason);
    const app = activeApp();
    app?.callApp('onUnhandledRejection', { reason, promise });
    app?.appEvents.emit('UnhandledRejection', { reason, promise });
  });
}

export async function main(argv: string[]): Promise<void> {
  installRejectionHandler();
  const { command, flags } = parseArgs(argv);
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  if (command !== 'auto' && command !== 'preview') {
    process.stderr.write('usage: cli auto --project <path> --auto-port <port> [--cloud-url URL]\n       cli preview --project <path> [--port N] [--cloud-url URL]\n');
    process.exit(2);
  }
  const projectPath = str('project') ?? process.cwd();
  const cloudUrl = str('cloud-url') ?? process.env.SIMULATOR_CLOUD_URL;
  const launch: Partial<LaunchRequest> = {};
  const scene = str('launch-scene') ?? process.env.MP_LAUNCH_SCENE;
  const lpath = str('launch-path') ?? process.env.MP_LAUNCH_PATH;
  const lquery = str('launch-query') ?? process.env.MP_LAUNCH_QUERY;
  if (scene) launch.scene = Number(scene);
  if (lpath) launch.path = lpath;
  if (lquery !== undefined) launch.query = lquery;
  const openid = str('openid') ?? process.env.SIMULATOR_OPENID;
  const autoModal = (str('auto-modal') ?? process.env.SIMULATOR_AUTO_MODAL) as 'confirm' | 'cancel' | undefined;
  if (command === 'preview') {
    const { startPreview } = require('./preview') as typeof import('./preview');
    const p = await startPreview({ projectPath, cloudUrl, openid, port: Number(str('port') ?? 0) });
    process.stdout.write(`preview: ${withToken(p.url, p.secret)}\n`);
    return;
  }
  const port = Number(str('auto-port') ?? 9420);
  const logFile = str('log') ?? process.env.SIMULATOR_LOG ?? path.join(os.tmpdir(), `mp-simulator-${port}.log`);
  // Without a client for --idle-exit seconds (default 120) the process ends: a crashed test
  // runner must not leave simulators behind (the automator spawns us with stdio ignored).
  const idleExitMs = Number(str('idle-exit') ?? process.env.SIMULATOR_IDLE_EXIT ?? 120) * 1000;
  await startSimulator({ projectPath, cloudUrl, openid, autoModal, launch, port, logFile, idleExitMs, onClose: () => process.exit(0) });
}
