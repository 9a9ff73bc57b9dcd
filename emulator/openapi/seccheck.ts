/**
 * security.msgSecCheck (version 2) as WeChat answers it (docs/reference/wx-content-security.md): the
 * request checks WeChat documents (version 2, openid, scene 1-4, content up to 2500 characters) and a
 * verdict from a block list instead of WeChat's models. The list starts as DEFAULT_BLOCK_LIST and is
 * replaced through the control API (PUT /_emulator/v1/openapi/seccheck), so a test decides what is refused.
 */
import type { WxaError } from './wxacode';

export interface BlockWord {
  /** matched case-insensitively, ignoring white space, anywhere in the content */
  text: string;
  /** WeChat's label: 10001 广告, 20001 时政, 20002 色情, 20003 辱骂, 20006 违法犯罪, 20008 欺诈, 20012 低俗, 20013 版权, 21000 其他 */
  label: number;
  /** 'risky' (default) or 'review' */
  suggest?: 'risky' | 'review';
}

/** Words refused out of the box: ordinary spam and fraud phrases a shop's remark box attracts. */
export const DEFAULT_BLOCK_LIST: BlockWord[] = [
  { text: '代开发票', label: 20006 },
  { text: '刷单返利', label: 20008 },
  { text: '加微信领红包', label: 10001 },
  { text: '网络赌场', label: 20006 },
  { text: '违禁词测试', label: 21000 },
  { text: '待人工复核', label: 21000, suggest: 'review' },
];

export const MAX_CONTENT_CHARS = 2500;
const LABELS = new Set([100, 10001, 20001, 20002, 20003, 20006, 20008, 20012, 20013, 21000]);

const fold = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/** A block list from a control-API body; a message when it is not one. */
export function parseBlockList(body: unknown): BlockWord[] | string {
  const words = (body as { words?: unknown })?.words;
  if (!Array.isArray(words)) return 'body must be {"words": [{"text", "label", "suggest"?}]}';
  const out: BlockWord[] = [];
  for (const [i, w] of words.entries()) {
    const { text, label, suggest } = (w ?? {}) as Record<string, unknown>;
    if (typeof text !== 'string' || !fold(text)) return `words[${i}].text must be a non-empty string`;
    if (typeof label !== 'number' || !LABELS.has(label) || label === 100) return `words[${i}].label must be one of WeChat's refusal labels`;
    if (suggest !== undefined && suggest !== 'risky' && suggest !== 'review') return `words[${i}].suggest must be "risky" or "review"`;
    out.push({ text, label, ...(suggest ? { suggest } : {}) });
  }
  return out;
}

let traceSeq = 0;

/** The JSON WeChat answers: an error, or errcode 0 with `result` and `detail`. */
export function msgSecCheck(p: Record<string, unknown>, words: readonly BlockWord[]): WxaError | Record<string, unknown> {
  const rid = Math.random().toString(16).slice(2, 10);
  if (Number(p.version) !== 2) return { errcode: 47001, errmsg: `data format error: version must be 2 (version 1 is retired) rid: ${rid}` };
  if (typeof p.openid !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(p.openid)) return { errcode: 40003, errmsg: `invalid openid rid: ${rid}` };
  if (![1, 2, 3, 4].includes(Number(p.scene))) return { errcode: 40129, errmsg: `invalid scene rid: ${rid}` };
  if (p.content === undefined || p.content === null || p.content === '') return { errcode: 44002, errmsg: `empty post data rid: ${rid}` };
  if (typeof p.content !== 'string') return { errcode: 47001, errmsg: `data format error rid: ${rid}` };
  if ([...p.content].length > MAX_CONTENT_CHARS) return { errcode: 47001, errmsg: `data format error: content longer than ${MAX_CONTENT_CHARS} characters rid: ${rid}` };
  const text = fold([p.content, p.title, p.nickname, p.signature].filter((v) => typeof v === 'string').join('\n'));
  const hits = words.filter((w) => text.includes(fold(w.text)));
  const risky = hits.find((w) => (w.suggest ?? 'risky') === 'risky');
  const hit = risky ?? hits[0];
  const suggest = hit ? hit.suggest ?? 'risky' : 'pass';
  const label = hit ? hit.label : 100;
  return {
    errcode: 0,
    errmsg: 'ok',
    trace_id: `local-${++traceSeq}-${rid}`,
    result: { suggest, label },
    detail: [
      { strategy: 'content_model', errcode: 0, suggest, label, prob: hit ? 90 : 0 },
      { strategy: 'keyword', errcode: 0, suggest, label, level: hit ? 20 : 0, ...(hit ? { keyword: hit.text } : {}) },
    ],
  };
}
