import { asyncApi, type Res } from './convention';
import type { WxContext } from './context';

export function navigationApis(ctx: WxContext): Record<string, unknown> {
  const nav = (name: string, fn: (o: Record<string, unknown>) => Promise<void>) =>
    asyncApi(name, async (o) => {
      await fn(o);
      return {} as Res;
    }, ctx.track);
  return {
    navigateTo: asyncApi('navigateTo', async (o) => ({ eventChannel: await ctx.router.navigateTo(o.url, o.events as Record<string, unknown>) }), ctx.track),
    redirectTo: nav('redirectTo', (o) => ctx.router.redirectTo(o.url)),
    reLaunch: nav('reLaunch', (o) => ctx.router.reLaunch(o.url)),
    switchTab: nav('switchTab', (o) => ctx.router.switchTab(o.url)),
    navigateBack: nav('navigateBack', (o) => ctx.router.navigateBack(o.delta)),
    getLaunchOptionsSync: () => JSON.parse(JSON.stringify(ctx.state.launchOptions)),
    getEnterOptionsSync: () => JSON.parse(JSON.stringify(ctx.state.enterOptions)),
  };
}
