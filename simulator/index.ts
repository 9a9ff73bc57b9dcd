// Public entry points: start a simulator (WebSocket endpoint for miniprogram-automator), decode a
// QR PNG into its {page, scene} payload, and the browser preview (./preview).
import path from 'path';
import { Simulator, type SimulatorOptions, type LaunchRequest, type QrPayload } from './simulator';
import { startProtocolServer } from './protocol/server';
import { setLogFile, log } from './runtime/events';
import type { LayoutService } from './protocol/context';

export { Simulator, type SimulatorOptions, type LaunchRequest, type QrPayload };
export { decodeQrPng, parseQrText } from './qr';
export { startPreview, type PreviewOptions, type Preview } from './preview';

export interface StartOptions extends SimulatorOptions {
  /** 0 = free port */
  port?: number;
  logFile?: string;
  /** called when Tool.close arrives (the CLI exits the process) */
  onClose?: () => void;
  /** shut down after this long without a connected client (ms, 0 = never) */
  idleExitMs?: number;
}

export interface RunningSimulator {
  sim: Simulator;
  port: number;
  wsEndpoint: string;
  close(): Promise<void>;
}

async function chromiumLayout(sim: Simulator): Promise<LayoutService> {
  // require, not import(): the CLI runs through tsx's CommonJS hook, which dynamic import bypasses.
  const { ChromiumLayout } = require('./chromium/layout') as typeof import('./chromium/layout');
  return ChromiumLayout.start(sim);
}

export async function startSimulator(opts: StartOptions): Promise<RunningSimulator> {
  if (opts.logFile) setLogFile(opts.logFile);
  const sim = new Simulator({ ...opts, projectPath: path.resolve(opts.projectPath) });
  log('boot', sim.project.projectPath);
  // A broken app must not kill the endpoint: DevTools stays connectable and shows the error; here
  // the error is logged and returned by App.* calls (see protocol/app.ts).
  await sim.relaunch().catch((err: unknown) => {
    sim.launchError = err instanceof Error ? err : new Error(String(err));
    log('launch failed', sim.launchError.stack ?? sim.launchError.message);
  });
  let server: { port: number; close(): Promise<void> } | undefined;
  const close = async () => {
    await server?.close();
    sim.app?.exit();
  };
  server = await startProtocolServer(sim, {
    port: opts.port ?? 0,
    layoutFactory: chromiumLayout,
    idleExitMs: opts.idleExitMs,
    onShutdown: () => {
      void close().finally(() => opts.onClose?.());
    },
  });
  log('listening', server.port);
  return { sim, port: server.port, wsEndpoint: `ws://127.0.0.1:${server.port}`, close };
}
