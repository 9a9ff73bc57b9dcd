/** The command line shared by the benchmark scripts: `--name value` options and one way to run and print. */

/** The value after `--name` on the command line, if any. */
export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * Runs a benchmark from the command line: prints its report (or, with `--json`, its result as JSON,
 * after `jsonPrefix` when given), exits 0, or `exitCode(result)`, or 2 when it crashed.
 */
export function runMain<R>(run: () => Promise<R>, format: (result: R) => string, options: { jsonPrefix?: string; exitCode?: (result: R) => number } = {}): void {
  run()
    .then((result) => {
      const json = options.jsonPrefix ? `${options.jsonPrefix} ${JSON.stringify(result)}` : JSON.stringify(result, null, 2);
      process.stdout.write(`${process.argv.includes('--json') ? json : format(result)}\n`);
      process.exit(options.exitCode?.(result) ?? 0);
    })
    .catch((e) => {
      process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(2);
    });
}
