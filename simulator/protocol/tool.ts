// Tool.* domain (the IDE side): version, close, native chrome (modals, back, tabs, payment,
// share), test accounts; plus stand-in extensions for launch control reachable with the
// client's `send()`: Tool.relaunch, Tool.hotStart, Tool.scanQr, Tool.switchUser, Tool.settle.
import { settle } from '../runtime/settle';
import { ProtocolError, type Handler } from './context';
import type { LaunchRequest, QrPayload } from '../simulator';

import { DEFAULT_SDK_VERSION } from '../wx/system';

export const toolHandlers: Record<string, Handler> = {
  'Tool.getInfo': (_p, ctx) => ({ SDKVersion: ctx.sim.project.config.libVersion ?? DEFAULT_SDK_VERSION, version: 'headless-simulator' }),
  'Tool.close': (_p, ctx) => {
    // Reply first, then exit: the client awaits this reply.
    setTimeout(() => ctx.shutdown(), 20);
    return {};
  },
  'Tool.native': async (p, ctx) => {
    const n = ctx.sim.state.native;
    const data = (p.data as Record<string, unknown>) ?? {};
    const wx = ctx.sim.app.wx as Record<string, (o: unknown) => unknown>;
    const quiet = { fail: () => undefined };
    switch (p.method) {
      case 'confirmModal':
        if (n.modal) n.modal.resolve({ confirm: true, cancel: false, ...(n.modal.options.editable ? { content: '' } : {}) });
        else if (n.actionSheet) n.actionSheet.resolve({ tapIndex: 0 });
        break;
      case 'cancelModal':
        if (n.modal) n.modal.resolve({ confirm: false, cancel: true });
        else if (n.actionSheet) n.actionSheet.reject('cancel');
        break;
      case 'closePaymentDialog':
        n.payment?.reject('cancel');
        break;
      case 'confirmPayment':
        n.payment?.resolve('pay');
        break;
      case 'failPayment':
        n.payment?.resolve('fail');
        break;
      case 'navigateLeft':
        wx.navigateBack({ ...quiet });
        break;
      case 'goHome':
        wx.reLaunch({ url: '/' + ctx.sim.project.pages[0], ...quiet });
        break;
      case 'switchTab':
        wx.switchTab({ url: data.url, ...quiet });
        break;
      case 'authorizeAllow':
      case 'authorizeCancel':
      case 'shareConfirm':
      case 'shareCancel':
        n.history.push({ api: `native.${String(p.method)}`, options: data });
        break;
      default:
        throw new ProtocolError(`Tool.native ${String(p.method)} unimplemented`);
    }
    await settle();
    return {};
  },
  'Tool.getTestAccounts': (_p, ctx) => ({ accounts: [{ nickName: 'sim-user', openid: ctx.sim.state.openid }] }),
  'Tool.enableRemoteDebug': () => {
    throw new ProtocolError('remote debug is not available in the headless simulator');
  },
  'Tool.stopAudits': () => {
    throw new ProtocolError('audits are not available in the headless simulator');
  },
  'Tool.getTicket': () => ({ ticket: 'headless', expiredTime: Date.now() + 2 * 3600 * 1000 }),
  'Tool.setTicket': () => ({}),
  'Tool.refreshTicket': () => ({}),
  'Tool.relaunch': async (p, ctx) => ({ options: await ctx.sim.relaunch((p as Partial<LaunchRequest>) ?? {}) }),
  'Tool.hotStart': async (p, ctx) => ({ options: await ctx.sim.hotStart(p as Partial<LaunchRequest>) }),
  'Tool.scanQr': async (p, ctx) => ({ options: await ctx.sim.scanQr(p as unknown as QrPayload, p.mode === 'hot' ? 'hot' : 'cold') }),
  'Tool.switchUser': async (p, ctx) => {
    await ctx.sim.switchUser(String(p.openid), { relaunch: !!p.relaunch });
    return {};
  },
  'Tool.advanceTime': async (p, ctx) => ({ fired: await ctx.sim.app.timers.advance(Number(p.ms) || 0) }),
  'Tool.settle': async () => {
    await settle();
    return {};
  },
};
