/**
 * The merchant's shipping template (config/shipping; shape and rules in miniprogram/domain/shipping.ts):
 * read it, or replace it from a JSON file after the same checks the server applies.
 */
import { readFileSync } from 'node:fs';
import { checkShippingTemplate, DEFAULT_SHIPPING_TEMPLATE, type ShippingTemplate } from '../miniprogram/domain/shipping';
import type { Cloud } from './cloud';

const DOC_ID = 'shipping';

export async function readShippingTemplate(c: Cloud): Promise<{ template: ShippingTemplate; stored: boolean; problems: string[] }> {
  const res = await c.db.collection('config').where({ _id: DOC_ID }).get();
  const doc = res.data[0];
  if (!doc) return { template: DEFAULT_SHIPPING_TEMPLATE, stored: false, problems: [] };
  const checked = checkShippingTemplate(doc);
  return checked.ok ? { template: checked.template, stored: true, problems: [] } : { template: DEFAULT_SHIPPING_TEMPLATE, stored: true, problems: checked.problems };
}

/** Validates `file` and writes it as config/shipping; the problems when it is not a valid template (nothing written). */
export async function writeShippingTemplate(c: Cloud, file: string): Promise<{ ok: true; template: ShippingTemplate } | { ok: false; problems: string[] }> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`无法读取 ${file}：${(error as Error).message}`] };
  }
  const checked = checkShippingTemplate(raw);
  if (!checked.ok) return checked;
  await c.db.collection('config').doc(DOC_ID).set({ ...checked.template, updatedAt: Date.now() });
  return checked;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** The template as the merchant reads it. */
export function describeShippingTemplate(t: ShippingTemplate): string {
  const lines = [`默认运费 ${yuan(t.defaultFee)}`, t.freeFrom === null ? '不包邮' : `满 ${yuan(t.freeFrom)} 包邮`];
  for (const r of t.regions) lines.push(`${r.provinces.join('、')}：${yuan(r.fee)}`);
  return lines.join('\n');
}
