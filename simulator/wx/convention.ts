// The wx API calling convention: success/fail/complete callbacks, or a Promise when none is
// given; results carry errMsg "<api>:ok", failures "<api>:fail <reason>".
export type Res = Record<string, unknown>;
export type Opts = Record<string, unknown> & { success?: (r: Res) => void; fail?: (e: Res) => void; complete?: (r: Res) => void };

export class WxFail extends Error {
  constructor(readonly reason: string, readonly extra: Res = {}) {
    super(reason);
  }
}

export function hasCallbacks(o: unknown): boolean {
  const opts = (o ?? {}) as Opts;
  return typeof opts.success === 'function' || typeof opts.fail === 'function' || typeof opts.complete === 'function';
}

/** Wraps an async implementation into the wx convention. `impl` throws WxFail for failures. */
export function asyncApi(name: string, impl: (opts: Opts) => Res | Promise<Res>, track?: (p: Promise<unknown>) => void) {
  return function (this: unknown, raw?: Opts): Promise<Res> | undefined {
    const opts = (raw ?? {}) as Opts;
    const run = (async () => {
      try {
        const res = await impl(opts);
        return { ok: true as const, res: { ...res, errMsg: (res.errMsg as string) ?? `${name}:ok` } };
      } catch (err) {
        if (err instanceof WxFail) return { ok: false as const, res: { ...err.extra, errMsg: `${name}:fail ${err.reason}`.trimEnd() } };
        const message = err instanceof Error ? err.message : String(err);
        return { ok: false as const, res: { errMsg: `${name}:fail ${message}` } };
      }
    })();
    if (track) track(run);
    if (hasCallbacks(opts)) {
      void run.then(({ ok, res }) => {
        if (ok) opts.success?.(res);
        else opts.fail?.(res);
        opts.complete?.(res);
      });
      return undefined;
    }
    return run.then(({ ok, res }) => {
      if (ok) return res;
      throw res;
    });
  };
}
