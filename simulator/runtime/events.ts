// Observable app-service events the protocol layer forwards (App.logAdded, App.exceptionThrown,
// App.bindingCalled) and a log file, since the automator spawns the CLI with stdio ignored.
import { EventEmitter } from 'events';
import { appendLogLine } from '../log-file';

export const simEvents = new EventEmitter();

let logFile: string | undefined;
export function setLogFile(file: string | undefined): void {
  logFile = file;
}
export function log(...parts: unknown[]): void {
  if (!logFile) return;
  const line = parts.map((p) => (typeof p === 'string' ? p : safeJson(p))).join(' ');
  appendLogLine(logFile, `[${new Date().toISOString()}] [${process.pid}] ${line}`);
}

export function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Makes console arguments transferable over JSON without throwing on cycles/functions. */
export function serializeArg(v: unknown): unknown {
  if (v instanceof Error) return v.stack ?? v.message;
  if (typeof v === 'function') return `[Function ${v.name || 'anonymous'}]`;
  if (v && typeof v === 'object') {
    try {
      return JSON.parse(JSON.stringify(v));
    } catch {
      return String(v);
    }
  }
  return v;
}

let appRoot = '';
/** The mini program's root: exceptions thrown from files below it are the app's own. */
export function setAppRoot(root: string): void {
  appRoot = root;
}

/**
 * Who threw: the app (its code, its npm packages) or the simulator (our runtime, exparser,
 * j-component). Decided by the innermost stack frame with a file; a stackless throw is the app's.
 */
export function exceptionKind(e: Error): 'app' | 'simulator' {
  const frame = (e.stack ?? '').split('\n').slice(1).map((l) => /\(?((?:\/|[A-Za-z]:\\)[^():]+):\d+:\d+\)?\s*$/.exec(l)?.[1]).find(Boolean);
  if (!frame || !appRoot) return 'app';
  return frame.startsWith(appRoot + '/') && !frame.includes('/node_modules/') ? 'app' : 'simulator';
}

/** An exception reached a boundary (page hook, handler, timer, observer): logged as
 *  `app-exception` or `simulator-error` and sent to the automator as App.exceptionThrown. */
export function reportException(err: unknown): void {
  const e = err instanceof Error ? err : new Error(typeof err === 'string' ? err : safeJson(err));
  const kind = exceptionKind(e);
  log(kind === 'app' ? 'app-exception' : 'simulator-error', e.stack ?? e.message);
  simEvents.emit('exception', { message: e.message, stack: e.stack ?? e.message, ...(kind === 'simulator' ? { source: 'simulator' } : {}) });
}

/** Calls an app or page hook as the base library does: an exception in it is reported (log, automator,
 *  then `onError`, e.g. App.onError) and the caller carries on with `undefined`. */
export function callHook(target: Record<string, unknown> | undefined, hook: string, args: unknown[], onError: (err: unknown) => void): unknown {
  const fn = target?.[hook];
  if (typeof fn !== 'function') return undefined;
  try {
    return (fn as (...a: unknown[]) => unknown).apply(target, args);
  } catch (err) {
    reportException(err);
    onError(err);
    return undefined;
  }
}

export function makeConsole(): Console {
  const wrapped = Object.create(console) as Console;
  for (const type of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    wrapped[type] = (...args: unknown[]) => {
      log(`console.${type}`, ...args);
      simEvents.emit('console', { type, args: args.map(serializeArg) });
    };
  }
  return wrapped;
}
