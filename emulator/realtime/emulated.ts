/**
 * Realtime push (`watch()`), refused at once and in the SDK's own terms.
 *
 * The local cloud does not emulate realtime push. What it must not do is leave a `watch()` hanging:
 * @cloudbase/database asks for a ticket (`auth.wsWebSign`), opens the websocket it names, logs in and
 * sends INIT_WATCH. Refusing the ticket makes the SDK retry in the background without ever calling
 * `onError`. An ERROR reply to INIT_WATCH does reach `onError`, but the SDK also rejects a promise
 * nobody awaits (VirtualWebSocketClient's constructor calls initWatch() without a catch), which ends a
 * Node process. So the ticket is granted, the login accepted, and a watch request answered by closing
 * the socket with 3050 and our reason: the SDK reports that through every listener's `onError` once
 * (errCode SDK_DATABASE_REALTIME_LISTENER_WEBSOCKET_CONNECTION_CLOSED, the reason in errMsg) and does
 * not reconnect (no listeners are left).
 * Message shapes: @cloudbase/database src/realtime (websocket-client.ts, virtual-websocket-client.ts)
 * and docs/reference/cloudbase-services.md, "Realtime".
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { allowProgramUpgrade } from '../../security/guard';
import { newRequestId } from '../util/ids';
import type { EmulatedService, ServiceFactory } from '../registry';

/** Where the ticket sends the SDK (production: wss://tcb-ws.tencentcloudapi.com). */
export const REALTIME_PATH = '/realtime/v1';

/** The close code the SDK maps to closing every listener with an error instead of reconnecting. */
export const REFUSAL_CLOSE_CODE = 3050;
/** A close reason is limited to 123 bytes by the websocket protocol (RFC 6455, section 5.5). */
export const NOT_EMULATED_REASON = 'local cloud: watch() is not emulated; read with get() and poll';

/** Watch requests: the ones answered with the refusal. */
const WATCH_REQUESTS = new Set(['INIT_WATCH', 'REBUILD_WATCH', 'CHECK_LAST']);

interface ClientMessage {
  watchId?: unknown;
  requestId?: unknown;
  msgType?: unknown;
}

export const realtimeEmulator: ServiceFactory = (ctx): EmulatedService => {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  wss.on('connection', (ws) => ws.on('message', (data) => answer(ws, data.toString())));

  function answer(ws: WebSocket, raw: string): void {
    let msg: ClientMessage;
    try {
      msg = JSON.parse(raw) as ClientMessage;
    } catch {
      return void ws.close(1007, 'malformed JSON');
    }
    const requestId = typeof msg.requestId === 'string' ? msg.requestId : newRequestId();
    const reply = (msgType: string, msgData: Record<string, unknown>) => ws.send(JSON.stringify({ requestId, msgType, msgData }));
    switch (msg.msgType) {
      case 'LOGIN':
        return reply('LOGIN_RES', { envId: ctx.envId });
      case 'PING':
        return reply('PONG', {});
      case 'CLOSE_WATCH':
        return reply('CLOSE_WATCH_RES', {});
      default:
        if (typeof msg.msgType === 'string' && WATCH_REQUESTS.has(msg.msgType)) return void ws.close(REFUSAL_CLOSE_CODE, NOT_EMULATED_REASON);
        return reply('ERROR', { code: 'INVALID_PARAM', message: `unknown msgType ${String(msg.msgType)}` });
    }
  }

  return {
    name: 'realtime',
    api: undefined,
    actions: {
      // The ticket's fields are what getWsSign() reads; the signature itself is never checked here.
      'auth.wsWebSign': (_body, req) => ({
        data: { signStr: 'local', secretVersion: 0, envId: ctx.envId, wsUrl: `${req.baseUrl.replace(/^http/, 'ws')}${REALTIME_PATH}` },
      }),
    },
    upgrades: [
      {
        path: REALTIME_PATH,
        handle(req: IncomingMessage, socket: Duplex, head: Buffer) {
          if (!allowProgramUpgrade(req)) {
            socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
            return;
          }
          wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
        },
      },
    ],
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
};
