/**
 * The merchant's shipping template (config/shipping, shape in miniprogram/domain/shipping.ts) for the
 * pricing of `orders.quote` and `orders.create`. A missing document means the default template; a broken
 * one (edited by hand) is logged with its problems and the default applies until it is fixed.
 */
import type { ShippingContext } from '../miniprogram/domain/pricing';
import { checkShippingTemplate, DEFAULT_SHIPPING_TEMPLATE, type ShippingTemplate } from '../miniprogram/domain/shipping';
import { COLLECTIONS, getDoc } from './db';
import { SHIPPING_CONFIG_ID } from './config';

export async function shippingTemplate(): Promise<ShippingTemplate> {
  const doc = await getDoc(COLLECTIONS.config, SHIPPING_CONFIG_ID).catch((error: unknown) => {
    console.warn('[shipping] config/shipping unreadable, using the default template', (error as Error)?.message ?? error);
    return null;
  });
  return templateFrom(doc);
}

/** The template a `config/shipping` document (read by the caller; null: none) stands for. */
export function templateFrom(doc: Record<string, unknown> | null): ShippingTemplate {
  if (!doc) return DEFAULT_SHIPPING_TEMPLATE;
  const checked = checkShippingTemplate(doc);
  if (checked.ok) return checked.template;
  console.error(`[shipping] config/shipping is invalid, using the default template: ${checked.problems.join('; ')}`);
  return DEFAULT_SHIPPING_TEMPLATE;
}

/** The template and the province an order ships to. */
export async function shippingContext(province: string | undefined): Promise<ShippingContext> {
  return { template: await shippingTemplate(), province };
}
