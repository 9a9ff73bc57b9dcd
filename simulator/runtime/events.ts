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

export function reportException(err: unknown): void {
  const e = err instanceof Error ? err : new Error(typeof err === 'string' ? err : safeJson(err));
  log('exception', e.stack ?? e.message);
  simEvents.emit('exception', { message: e.message, stack: e.stack ?? e.message });
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
