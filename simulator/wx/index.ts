// Assembles the `wx` object of one app run from the API groups.
import type { WxContext } from './context';
import { navigationApis } from './navigation';
import { storageApis } from './storage';
import { systemApis } from './system';
import { uiApis } from './ui';
import { networkApis } from './network';
import { queryApis } from './query';
import { appEventApis } from './app-events';
import { completeSurface } from './surface';
import { businessApis } from './business';

export type Wx = Record<string, unknown>;

export function createWx(ctx: WxContext): Wx {
  return completeSurface(ctx, {
    ...navigationApis(ctx),
    ...storageApis(ctx),
    ...systemApis(ctx),
    ...uiApis(ctx),
    ...networkApis(ctx),
    ...queryApis(ctx),
    ...appEventApis(ctx),
    ...businessApis(ctx),
  });
}
