// Network-backed APIs. wx.cloud.callFunction and wx.requestPayment talk to the local cloud
// (emulator/) over its /_emulator/v1 endpoints as the simulated user (ARCHITECTURE.md contract).
import { asyncApi, hasCallbacks, WxFail, type Opts } from './convention';
import type { WxContext } from './context';

let codeSeq = 0;
let reqSeq = 0;

export const TEST_ADDRESS = {
  userName: '张三',
  postalCode: '510000',
  provinceName: '广东省',
  cityName: '广州市',
  countyName: '海珠区',
  streetName: '',
  detailInfo: '新港中路397号',
  detailInfoNew: '新港中路397号',
  nationalCode: '510000',
  telNumber: '020-81167888',
};

async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json };
}

export function networkApis(ctx: WxContext): Record<string, unknown> {
  const cloudUrl = () => {
    const url = ctx.state.cloudUrl;
    if (!url) throw new WxFail('no local cloud configured: set SIMULATOR_CLOUD_URL or pass --cloud-url');
    return url.replace(/\/$/, '');
  };
  /** The phone without signal: network APIs fail before reaching the cloud. */
  const offlineCheck = () => {
    if (ctx.state.offline) throw new WxFail('-2:net::ERR_INTERNET_DISCONNECTED', { errno: 600001 });
  };
  const networkListeners = new Set<(res: { isConnected: boolean; networkType: string }) => void>();
  ctx.state.onNetworkChange = () => {
    const networkType = ctx.state.networkType();
    for (const fn of networkListeners) fn({ isConnected: networkType !== 'none', networkType });
  };

  const callFunction = asyncApi('cloud.callFunction', async (o) => {
    if (typeof o.name !== 'string' || !o.name) throw new WxFail('parameter error: name should be a non-empty string');
    offlineCheck();
    const { status, json } = await postJson(`${cloudUrl()}/_emulator/v1/functions/${encodeURIComponent(o.name)}:invoke`, {
      event: o.data ?? {},
      openid: ctx.state.openid,
      appid: ctx.state.appid,
      source: 'wx_devtools',
    });
    const error = json.error as { code?: unknown; message?: unknown } | undefined;
    if (error) throw new WxFail(`${error.code ?? status} ${error.message ?? ''}`.trim(), { errCode: error.code });
    if (status >= 400) throw new WxFail(`HTTP ${status}`);
    return { result: json.result, requestID: `sim-${++reqSeq}` };
  }, ctx.track);

  /**
   * The subscribe-message dialog, answered as the test set it (setSubscribeAnswer). Accepted templates
   * are recorded with the local cloud for this user, as WeChat's client records them with WeChat, so
   * `subscribeMessage.send` finds them (docs/reference/wx-subscribe-message.md).
   */
  const requestSubscribeMessage = asyncApi('requestSubscribeMessage', async (o) => {
    const ids = o.tmplIds;
    if (!Array.isArray(ids) || ids.length === 0) throw new WxFail("TmplIds can't be empty", { errCode: 10001 });
    if (ids.some((id) => typeof id !== 'string' || id === '')) throw new WxFail('Invalid template id', { errCode: 10004 });
    // Older clients take at most 3 ids per call; the store keeps to that everywhere.
    if (ids.length > 3) throw new WxFail('Templates count out of max bounds', { errCode: 20003 });
    offlineCheck();
    const answers = ctx.state.subscribeAnswers;
    const results: Record<string, string> = Object.fromEntries((ids as string[]).map((id) => [id, answers[id] ?? answers['*'] ?? 'accept']));
    if (Object.values(results).includes('accept') && ctx.state.cloudUrl) {
      const { status } = await postJson(`${cloudUrl()}/_emulator/v1/openapi/subscriptions`, { openid: ctx.state.openid, results });
      if (status >= 400) throw new WxFail('Request subscribe fail', { errCode: 10003 });
    }
    ctx.state.native.history.push({ api: 'requestSubscribeMessage', options: { tmplIds: ids, results } });
    return results;
  }, ctx.track);

  const request = (raw?: Opts) => {
    const controller = new AbortController();
    const api = asyncApi('request', async (o) => {
      offlineCheck();
      const method = String(o.method ?? 'GET').toUpperCase();
      let url = String(o.url ?? '');
      const headers = { ...((o.header as Record<string, string>) ?? {}) };
      let body: string | undefined;
      if (o.data !== undefined) {
        if (method === 'GET') {
          const q = typeof o.data === 'string' ? o.data : new URLSearchParams(o.data as Record<string, string>).toString();
          url += (url.includes('?') ? '&' : '?') + q;
        } else if (typeof o.data === 'string') body = o.data;
        else {
          body = JSON.stringify(o.data);
          if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
        }
      }
      const res = await fetch(url, { method, headers, body, signal: controller.signal });
      const text = await res.text();
      let data: unknown = text;
      if (o.dataType !== '其他' && o.responseType !== 'text') {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      const header: Record<string, string> = {};
      res.headers.forEach((v, k) => (header[k] = v));
      return { data, statusCode: res.status, header, cookies: [] };
    }, ctx.track);
    const out = api(raw);
    if (hasCallbacks(raw)) return { abort: () => controller.abort(), onHeadersReceived: () => undefined, offHeadersReceived: () => undefined };
    return out;
  };

  /** Pays the prepay order on the local cloud, as WeChat Pay does when the shopper confirms. */
  const confirmOnCloud = async (pkg: unknown) => {
    const confirm = postJson(`${cloudUrl()}/_emulator/v1/pay/confirm`, { package: pkg });
    ctx.track(confirm);
    const { status, json } = await confirm;
    const error = json.error as { code?: unknown; message?: unknown } | undefined;
    if (error || status >= 400) throw new WxFail(`${error?.code ?? status} ${error?.message ?? ''}`.trim());
  };
  const requestPayment = asyncApi('requestPayment', async (o) => {
    for (const k of ['timeStamp', 'nonceStr', 'package', 'paySign']) {
      if (typeof o[k] !== 'string' || !o[k]) throw new WxFail(`parameter error: parameter.${k} should be String`);
    }
    offlineCheck();
    ctx.state.native.history.push({ api: 'requestPayment', options: o });
    const policy = ctx.state.paymentPolicy;
    if (policy === 'cancel') throw new WxFail('cancel');
    if (policy === 'pending') {
      // The payment sheet: stays open until the shopper pays, cancels or the payment fails
      // (Tool.native confirmPayment / closePaymentDialog / failPayment, or the preview's sheet).
      // Not tracked as a whole: only the HTTP part after the choice is.
      const choice = await new Promise<'pay' | 'fail'>((resolve, reject) => {
        ctx.state.native.payment = {
          kind: 'payment',
          options: o,
          resolve: (v) => {
            ctx.state.native.payment = undefined;
            resolve(v);
          },
          reject: (reason) => {
            ctx.state.native.payment = undefined;
            reject(new WxFail(reason));
          },
        };
      });
      if (choice === 'fail') throw new WxFail('系统繁忙，请稍后再试', { errCode: -1 });
    }
    await confirmOnCloud(o.package);
    return {};
  });

  return {
    request,
    requestPayment,
    requestSubscribeMessage,
    getNetworkType: asyncApi('getNetworkType', () => ({ networkType: ctx.state.networkType() })),
    onNetworkStatusChange: (fn: (res: { isConnected: boolean; networkType: string }) => void) => void networkListeners.add(fn),
    offNetworkStatusChange: (fn?: (res: { isConnected: boolean; networkType: string }) => void) => void (fn ? networkListeners.delete(fn) : networkListeners.clear()),
    login: asyncApi('login', () => ({ code: `sim_code_${ctx.state.openid}_${++codeSeq}` })),
    checkSession: asyncApi('checkSession', () => ({})),
    chooseAddress: asyncApi('chooseAddress', () => ({ ...TEST_ADDRESS })),
    getUserProfile: asyncApi('getUserProfile', () => ({ userInfo: { nickName: '微信用户', avatarUrl: '', gender: 0, country: '', province: '', city: '', language: 'zh_CN' }, rawData: '', signature: '' })),
    authorize: asyncApi('authorize', () => ({})),
    getSetting: asyncApi('getSetting', () => ({ authSetting: { 'scope.address': true } })),
    cloud: {
      init: (o?: { env?: string }) => {
        ctx.state.cloudEnv = typeof o?.env === 'string' ? o.env : undefined;
      },
      callFunction,
    },
  };
}
