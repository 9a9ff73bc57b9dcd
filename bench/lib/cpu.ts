/**
 * CPU time of the local cloud's processes, read from /proc (utime + stime), so a benchmark can say what
 * its calls cost whatever else the machine runs.
 */
import * as fs from 'node:fs';

const TICK_MS = 1000 / 100; // USER_HZ (getconf CLK_TCK) is 100 on Linux

/** utime + stime of a process, in ms (0 when it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** The pids whose parent is `pid` (the function workers of the emulator). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === pid) out.push(Number(d));
    } catch {
      /* exited */
    }
  }
  return out;
}

/** CPU ms spent so far by the emulator process and by its function workers (those alive now). */
export interface CloudCpu {
  emulatorMs: number;
  workersMs: number;
}

/** A meter over the emulator `pid`: `stop()` gives the CPU spent since it was made, by its workers as they were at the start. */
export function cpuMeter(pid: number): { stop(): CloudCpu } {
  const workers = childrenOf(pid);
  const e0 = cpuMs(pid);
  const w0 = workers.reduce((s, p) => s + cpuMs(p), 0);
  return {
    stop: () => ({ emulatorMs: cpuMs(pid) - e0, workersMs: workers.reduce((s, p) => s + cpuMs(p), 0) - w0 }),
  };
}
