// The automator WebSocket endpoint: JSON frames {id, method, params} -> {id, result|error};
// events {method, params} without id. Requests are handled concurrently on purpose: a call that
// waits for a native dialog (showModal) must not block the Tool.native call that answers it.
import { WebSocketServer, WebSocket } from 'ws';
import { simEvents, log, exceptionKind } from '../runtime/events';
import { WxFail } from '../wx/convention';
import type { Simulator } from '../simulator';
import { toolHandlers } from './tool';
import { appHandlers } from './app';
import { pageHandlers } from './page';
import { elementHandlers } from './element';
import { previewHandlers } from './preview';
import { allowProgramUpgrade } from '../../security/guard';
import { ProtocolError, type Handler, type LayoutService, type Params, type ProtocolContext } from './context';

const handlers: Record<string, Handler> = { ...toolHandlers, ...appHandlers, ...pageHandlers, ...elementHandlers, ...previewHandlers };

export interface ServerOptions {
  port: number;
  layoutFactory: (sim: Simulator) => Promise<LayoutService>;
  onShutdown: () => void;
  /** Exit after this many ms with no client connected (0 = never). Keeps CI from leaking
   *  simulator processes when a test runner dies without Tool.close. */
  idleExitMs?: number;
}

/** JSON for the wire; app values may hold cycles (component instances, task objects). */
function toWire(frame: unknown): string {
  try {
    return JSON.stringify(frame);
  } catch {
    const seen = new WeakSet<object>();
    return JSON.stringify(frame, (_k, v: unknown) => {
      if (v && typeof v === 'object') {
        if (seen.has(v)) return undefined;
        seen.add(v);
      }
      return v;
    });
  }
}

export async function startProtocolServer(sim: Simulator, opts: ServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  // Loopback only, and program clients only: a browser page (it always sends Origin) must never reach
  // App.callFunction.
  const wss = new WebSocketServer({ port: opts.port, host: '127.0.0.1', verifyClient: ({ req }, done) => done(allowProgramUpgrade(req), 403, 'Forbidden') });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  let layout: Promise<LayoutService> | undefined;
  const clients = new Set<WebSocket>();
  const ctx: ProtocolContext = {
    sim,
    logEnabled: false,
    emit(method, params) {
      const frame = JSON.stringify({ method, params });
      for (const c of clients) if (c.readyState === WebSocket.OPEN) c.send(frame);
    },
    layout() {
      layout ??= opts.layoutFactory(sim);
      return layout;
    },
    shutdown: () => opts.onShutdown(),
  };
  const onConsole = (e: Params) => ctx.logEnabled && ctx.emit('App.logAdded', e);
  const onException = (e: Params) => ctx.emit('App.exceptionThrown', e);
  simEvents.on('console', onConsole);
  simEvents.on('exception', onException);

  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = () => {
    if (!opts.idleExitMs || clients.size) return;
    idleTimer = setTimeout(() => opts.onShutdown(), opts.idleExitMs);
    idleTimer.unref();
  };
  armIdle();
  wss.on('connection', (ws) => {
    clients.add(ws);
    if (idleTimer) clearTimeout(idleTimer);
    ws.on('close', () => {
      clients.delete(ws);
      armIdle();
    });
    ws.on('message', async (raw) => {
      let msg: { id?: string; method?: string; params?: Params };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return;
      }
      const { id, method = '', params = {} } = msg;
      const started = Date.now();
      try {
        const handler = handlers[method];
        if (!handler) throw new ProtocolError(method.startsWith('App.') ? `appservice ${method} unimplemented` : `${method} unimplemented`);
        const result = (await handler(params, ctx)) ?? {};
        log('call', method, `${Date.now() - started}ms`);
        ws.send(toWire({ id, result }));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // A ProtocolError is an answer (DevTools' own message); anything else thrown by a handler
        // is the simulator failing, unless it came out of the app's code.
        const ours = !(err instanceof ProtocolError) && err instanceof Error && exceptionKind(err) === 'simulator' && !(err instanceof WxFail);
        log('call', method, ours ? 'simulator-error' : 'error', message, err instanceof ProtocolError ? '' : (err as Error)?.stack);
        ws.send(JSON.stringify({ id, error: { message } }));
      }
    });
  });
  const address = wss.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    async close() {
      if (idleTimer) clearTimeout(idleTimer);
      simEvents.off('console', onConsole);
      simEvents.off('exception', onException);
      for (const c of clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      if (layout) await (await layout).close().catch(() => undefined);
    },
  };
}
