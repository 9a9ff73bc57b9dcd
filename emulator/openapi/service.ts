/**
 * OpenApiService: `wx.openApi` (multipart + protobuf, docs/reference/cloudbase-wire-protocol.md §10). Replies are raw
 * CommOpenApiResp bytes with content-type application/octet-stream (the exact JSON content
 * type would switch the SDK into TCB-error parsing). Every call is recorded in an outbox that
 * tests read at GET /_emulator/v1/openapi/outbox.
 */
import * as fs from 'node:fs';
import { decodeCommApiData, encodeResp } from './proto';
import { renderUnlimited, validateUnlimited, type WxaError } from './wxacode';
import { DEFAULT_BLOCK_LIST, msgSecCheck, type BlockWord } from './seccheck';
import type { ShippingService } from './shipping';
import type { MediaCheckService } from './media-check';
import type { ActiveInvocation, FunctionsService } from '../functions/service';
import type { MultipartPart } from '../util/http';

export interface OutboxEntry {
  apiName: string;
  params: Record<string, unknown>;
  functionName?: string;
  openid?: string;
  at: string;
  result: 'ok' | 'error';
  errcode?: number;
  /** for QR codes: the text encoded in the PNG */
  qrText?: string;
}

export interface OpenApiOptions {
  appJsonPath?: string;
  /** enforce config.json permissions.openapi for calls made from inside functions */
  checkPermissions: boolean;
  rateLimitPerMinute: number;
  /** WeChat's order-shipping service (wxa.sec.order.*) */
  shipping: ShippingService;
  /** security.mediaCheckAsync and its wxa_media_check push */
  mediaCheck: MediaCheckService;
}

const json = (o: unknown) => encodeResp({ respData: Buffer.from(JSON.stringify(o)), contentType: 'application/json; charset=utf-8' });

export class OpenApiService {
  readonly outbox: OutboxEntry[] = [];
  /** what security.msgSecCheck refuses (replaced through PUT /_emulator/v1/openapi/seccheck) */
  blockList: BlockWord[] = DEFAULT_BLOCK_LIST.map((w) => ({ ...w }));
  private recent: number[] = [];
  private msgSeq = 1000;

  constructor(private readonly functions: FunctionsService, private readonly opts: OpenApiOptions) {}

  /** Pages from app.json (incl. subpackages) for check_path; undefined = don't check. */
  private pages(): string[] | undefined {
    const f = this.opts.appJsonPath;
    if (!f || !fs.existsSync(f)) return undefined;
    try {
      const app = JSON.parse(fs.readFileSync(f, 'utf8'));
      const pages: string[] = [...(app.pages ?? [])];
      for (const sp of app.subpackages ?? app.subPackages ?? []) for (const p of sp.pages ?? []) pages.push(`${sp.root.replace(/\/$/, '')}/${p}`);
      return pages;
    } catch {
      return undefined;
    }
  }

  async handle(parts: Map<string, MultipartPart>, token: unknown): Promise<Buffer> {
    const apiName = parts.get('apiName')?.data.toString('utf8') ?? '';
    const caller: ActiveInvocation | undefined = this.functions.byToken(token);
    let call;
    try {
      call = decodeCommApiData(parts.get('requestData')?.data ?? Buffer.alloc(0));
    } catch {
      return json({ errcode: 40097, errmsg: 'invalid args: requestData is not a CommApiData protobuf' });
    }
    const entry: OutboxEntry = { apiName, params: call.params, functionName: caller?.functionName, openid: caller?.openid, at: new Date().toISOString(), result: 'ok' };
    const record = (r: Buffer, err?: WxaError) => {
      if (err) Object.assign(entry, { result: 'error', errcode: err.errcode });
      this.outbox.push(entry);
      if (this.outbox.length > 1000) this.outbox.shift();
      return r;
    };

    // Real functions must declare open APIs in config.json → permissions.openapi (§10.5).
    if (caller && this.opts.checkPermissions) {
      const allowed = this.functions.readConfig(caller.functionName).permissions?.openapi ?? [];
      if (!allowed.includes(apiName)) return record(encodeResp({ errorCode: -604101 }), { errcode: -604101, errmsg: 'no permission' });
    }
    const now = Date.now();
    this.recent = this.recent.filter((t) => now - t < 60_000);
    if (this.recent.length >= this.opts.rateLimitPerMinute) {
      const e = { errcode: 45009, errmsg: 'reach max api daily quota limit' };
      return record(json(e), e);
    }
    this.recent.push(now);

    switch (apiName) {
      case 'wxacode.getUnlimited': {
        const pages = this.pages();
        const err = validateUnlimited(call.params, pages);
        if (err) return record(json(err), err);
        const { png, text } = await renderUnlimited(call.params, pages?.[0]);
        entry.qrText = text;
        return record(encodeResp({ respData: png, contentType: 'image/png' }));
      }
      case 'subscribeMessage.send': {
        const p = call.params;
        if (typeof p.touser !== 'string' || typeof p.templateId !== 'string' || !p.data) {
          const e = { errcode: 47003, errmsg: 'argument invalid! touser, template_id and data are required' };
          return record(json(e), e);
        }
        return record(json({ errcode: 0, errmsg: 'ok', msgid: ++this.msgSeq }));
      }
      case 'security.msgSecCheck': {
        const answer = msgSecCheck(call.params, this.blockList);
        return record(json(answer), answer.errcode ? (answer as WxaError) : undefined);
      }
      case 'security.mediaCheckAsync': {
        const answer = this.opts.mediaCheck.check(call.params);
        return record(json(answer), answer.errcode ? (answer as WxaError) : undefined);
      }
      case 'wxa.sec.order.uploadShippingInfo':
      case 'wxa.sec.order.getOrder': {
        const shipping = this.opts.shipping;
        const answer = apiName === 'wxa.sec.order.getOrder' ? shipping.getOrder(call.params) : shipping.upload(call.params);
        return record(json(answer), answer.errcode ? (answer as WxaError) : undefined);
      }
      case 'urlscheme.generate':
        return record(json({ errcode: 0, errmsg: 'ok', openlink: `weixin://dl/business/?t=local${++this.msgSeq}` }));
      case 'urllink.generate':
        return record(json({ errcode: 0, errmsg: 'ok', url_link: `https://wxaurl.cn/local${++this.msgSeq}` }));
      default: {
        const e = { errcode: -1, errmsg: `open API ${apiName} is not emulated` };
        return record(json(e), e);
      }
    }
  }
}
