/**
 * WeChat's content security check for text users write that others (the merchant, other shoppers) will
 * read: order remarks, after-sales reasons, nicknames, group names. One call per text, by cloud call
 * (`security.msgSecCheck` version 2; the function's config.json must list it under permissions.openapi).
 * Facts and sources: docs/reference/wx-content-security.md.
 */
import { msgSecCheck } from './cloud';
import { AppError, invalid } from './errors';

/** msgSecCheck's scenes: 1 资料 (profile), 2 评论 (comment), 3 论坛 (forum), 4 社交日志 (social log). */
export const SEC_SCENE = { profile: 1, comment: 2, forum: 3, social: 4 } as const;
export type SecScene = (typeof SEC_SCENE)[keyof typeof SEC_SCENE];

/** WeChat checks at most 2500 characters per call. */
export const SEC_CHECK_MAX_CHARS = 2500;

/** Labels of a refusal, for logs and the merchant (never shown to the writer as the reason). */
export const SEC_LABELS: Record<number, string> = {
  100: '正常', 10001: '广告', 20001: '时政', 20002: '色情', 20003: '辱骂', 20006: '违法犯罪', 20008: '欺诈', 20012: '低俗', 20013: '版权', 21000: '其他',
};

export interface TextField {
  /** the request field, for `issues` (e.g. "remark") */
  path: string;
  /** what the shopper calls it, for the message (e.g. "备注") */
  label: string;
}

/**
 * Refuses `text` unless WeChat's check passes it. Empty text passes without a call. `risky` and `review`
 * are both refused: nothing shown to others waits for a human review here. A check that cannot run
 * (WeChat busy, quota) refuses too, with UNAVAILABLE, so unchecked text is never stored.
 */
export async function checkText(openid: string, text: string, scene: SecScene, field: TextField = { path: 'text', label: '内容' }): Promise<void> {
  if (!text.trim()) return;
  // Longer text is checked in pieces of the size WeChat accepts; every piece must pass.
  for (let at = 0; at < text.length; at += SEC_CHECK_MAX_CHARS) {
    await checkPiece(openid, text.slice(at, at + SEC_CHECK_MAX_CHARS), scene, field);
  }
}

async function checkPiece(openid: string, content: string, scene: SecScene, field: TextField): Promise<void> {
  let answer;
  try {
    answer = await msgSecCheck({ openid, scene, content, version: 2 });
  } catch (error) {
    const e = error as { errCode?: unknown; errMsg?: unknown };
    console.error(`[content-security] msgSecCheck failed errCode=${String(e?.errCode)} ${String(e?.errMsg ?? error)}`);
    throw new AppError('UNAVAILABLE', '内容安全检查暂不可用，请稍后重试');
  }
  const suggest = answer?.result?.suggest;
  if (suggest === 'pass') return;
  const label = Number(answer?.result?.label ?? 21000);
  console.warn(`[content-security] ${field.path} refused: suggest=${String(suggest)} label=${label} (${SEC_LABELS[label] ?? '未知'})`);
  throw invalid(`${field.label}含有不适宜公开的内容，请修改后再提交`, undefined, {
    detail: `msgSecCheck suggest=${String(suggest)} label=${label}`,
    issues: [{ path: field.path, problem: 'did not pass the content security check' }],
  });
}
