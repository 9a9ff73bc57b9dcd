/**
 * A progress bar on stderr. On a terminal it redraws one line; otherwise (CI, pipes, tests) it prints
 * a line at every 10 % so logs stay readable.
 */
export interface Progress {
  update(done: number): void;
  finish(message?: string): void;
  /** Stops without claiming completion (the work failed). */
  stop(): void;
}

export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY);
  const width = 30;
  let lastStep = -1;
  let finished = false;
  const render = (done: number) => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * width);
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total}`;
  };
  return {
    update(done: number) {
      if (finished) return;
      if (tty) {
        stream.write(`\r${render(done)}`);
        return;
      }
      const step = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (step !== lastStep) {
        lastStep = step;
        stream.write(`${render(done)}\n`);
      }
    },
    stop() {
      if (finished) return;
      finished = true;
      if (tty) stream.write('\n');
    },
    finish(message?: string) {
      if (finished) return;
      finished = true;
      if (tty) stream.write(`\r${render(total)}\n`);
      else if (lastStep !== 10) stream.write(`${render(total)}\n`);
      if (message) stream.write(`${message}\n`);
    },
  };
}
