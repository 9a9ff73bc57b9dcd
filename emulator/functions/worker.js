/*
 * Cloud-function worker process (plain JS so it starts in ~50 ms without a TS loader).
 *
 * One invocation at a time per process: getWXContext() and the SDK read the GLOBAL process.env
 * at call time (docs/reference/cloudbase-wire-protocol.md §11.4), so two concurrent invocations in one process would see
 * each other's OPENID. The parent pool guarantees exclusivity; we swap the per-invocation
 * variables in before calling the handler, and keep the module cache warm like an SCF instance.
 */
'use strict';
const path = require('path');

let injected = [];
let current = null; // { id, resolve, reject }

function send(msg) {
  if (process.connected) process.send(msg);
}

function errorText(e) {
  if (e instanceof Error) return e.stack || `${e.name}: ${e.message}`;
  if (e && typeof e === 'object') {
    try { return JSON.stringify(e); } catch (_) { /* fallthrough */ }
  }
  return String(e);
}

// A stray rejection or throw from a handler must not kill a warm worker; it fails the
// current invocation (like SCF) and the worker lives on.
process.on('unhandledRejection', (e) => {
  if (current) current.reject(e);
  else console.error('[emulator worker] unhandled rejection', e);
});
process.on('uncaughtException', (e) => {
  if (current) current.reject(e);
  else console.error('[emulator worker] uncaught exception', e);
});

// If the emulator dies (kill -9, crash), its workers must not linger as orphans.
process.on('disconnect', () => process.exit(0));

/*
 * The local cloud's clock (offset or frozen, set through POST /_emulator/v1/clock) replaces the global
 * Date, so handlers see it through Date.now() and new Date() with no hook in their code. Dates built
 * from explicit arguments are untouched; instances are real Dates (instanceof, util.types.isDate).
 */
const RealDate = Date;
const clockState = { offsetMs: 0, frozenAt: null };
function clockNow() {
  return clockState.frozenAt !== null ? clockState.frozenAt : RealDate.now() + clockState.offsetMs;
}
function EmulatedDate(...args) {
  if (!new.target) return new RealDate(clockNow()).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [clockNow()] : args, new.target);
}
EmulatedDate.prototype = RealDate.prototype;
Object.setPrototypeOf(EmulatedDate, RealDate);
EmulatedDate.now = clockNow;
EmulatedDate.parse = RealDate.parse;
EmulatedDate.UTC = RealDate.UTC;
global.Date = EmulatedDate;
function setClock(c) {
  if (!c || typeof c !== 'object') return;
  clockState.offsetMs = Number.isFinite(c.offsetMs) ? c.offsetMs : 0;
  clockState.frozenAt = Number.isFinite(c.frozenAt) ? c.frozenAt : null;
}

process.on('message', async (msg) => {
  if (msg && msg.type === 'clock') return setClock(msg.clock);
  if (!msg || msg.type !== 'invoke') return;
  setClock(msg.clock);
  for (const k of injected) delete process.env[k];
  injected = Object.keys(msg.env);
  Object.assign(process.env, msg.env);
  let settled = false;
  const done = (ok, payload) => {
    if (settled) return;
    settled = true;
    current = null;
    if (ok) {
      let text;
      try {
        text = JSON.stringify(payload === undefined ? null : payload);
      } catch (e) {
        return send({ type: 'result', id: msg.id, ok: false, error: 'result is not JSON-serialisable: ' + errorText(e) });
      }
      send({ type: 'result', id: msg.id, ok: true, result: text === undefined ? 'null' : text });
    } else {
      send({ type: 'result', id: msg.id, ok: false, error: errorText(payload) });
    }
  };
  current = { id: msg.id, resolve: (v) => done(true, v), reject: (e) => done(false, e) };
  try {
    const mod = require(msg.file);
    const fn = mod && mod[msg.handlerName];
    if (typeof fn !== 'function') throw new Error(`handler "${msg.handlerName}" is not exported by ${path.basename(msg.file)}`);
    const callback = (err, data) => (err ? done(false, err) : done(true, data));
    const context = Object.assign({}, msg.context, {
      getContext: () => msg.context,
      done: callback,
      succeed: (d) => done(true, d),
      fail: (e) => done(false, e),
    });
    const r = fn(msg.event, context, callback);
    if (r && typeof r.then === 'function') r.then((v) => done(true, v), (e) => done(false, e));
    else if (fn.length < 3) done(true, r);
  } catch (e) {
    done(false, e);
  }
});

// Pre-load the SDK the functions use so the first invocation does not pay for it inside its timeout.
try {
  require(require.resolve('wx-server-sdk', { paths: [process.cwd()] }));
} catch (_) {
  /* functions without wx-server-sdk are fine */
}
send({ type: 'ready' });
