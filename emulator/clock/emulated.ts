/**
 * The local cloud's clock as the hub sees it (not a CloudBase service: a control for tests):
 *   GET  /_emulator/v1/clock → {now, iso, offsetMs, frozen}
 *   POST /_emulator/v1/clock {reset?, offsetMs?, frozenAt?, freeze?, advanceMs?} → the new state
 * The Clock itself lives in the emulator context (util/clock.ts), so every service dates with it.
 */
import type { Clock, ClockChange } from '../util/clock';
import type { EmulatedService, ServiceFactory } from '../registry';

export const clockEmulator: ServiceFactory = (ctx): EmulatedService<Clock> => ({
  name: 'clock',
  api: ctx.clock,
  routes: [
    { control: true, method: 'GET', path: /^\/clock$/, handle: () => ({ json: ctx.clock.state() }) },
    {
      control: true,
      method: 'POST',
      path: /^\/clock$/,
      handle: async ({ json }) => {
        const change = (await json()) as ClockChange;
        try {
          return { json: ctx.clock.set(change) };
        } catch (e) {
          return { status: 400, json: { error: { code: 'INVALID_PARAM', message: (e as Error).message } } };
        }
      },
    },
  ],
});
