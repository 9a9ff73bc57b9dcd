/**
 * The merchant's shipping template (config/shipping, shape in miniprogram/domain/shipping.ts) for the
 * pricing of `orders.quote` and `orders.create`. A missing document means the default template; a broken
 * one (edited by hand) is logged with its problems and the default applies until it is fixed.
 */
import type { ShippingContext } from '../miniprogram/domain/pricing';
import { checkShippingTemplate, DEFAULT_SHIPPING_TEMPLATE, type ShippingTemplate } from '../miniprogram/domain/shipping';
import { COLLECTIONS, getDoc } from './db';

export const SHIPPING_CONFIG_ID = 'shipping';

export async function shippingTemplate(): Promise<ShippingTemplate> {
  const doc = await getDoc(COLLECTIONS.config, SHIPPING_CONFIG_ID).catch((error: unknown) => {
    console.warn('[shipping] config/shipping unreadable, using the default template', (error as Error)?.message ?? error);
    return null;
  });
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
