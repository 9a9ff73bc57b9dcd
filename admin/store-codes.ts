/**
 * The store's QR codes as the preview's "scan" control offers them: the home (campaign) code and one
 * code per product on sale. Each is made the one way codes are made (`scenes.create` through
 * createSceneQr), so scanning one in the preview is scanning what a merchant would print.
 */
import type { Envelope, ProductSummary } from '../typings/api';
import { throwIfCode, type Cloud } from './cloud';
import { campaignTarget, createSceneQr, productTarget } from './qr';

const HOME = 'home';
const PRODUCT = 'product:';

export function storeCodes(cloud: Cloud, limit = 20): { list(): Promise<{ id: string; title: string }[]>; png(id: string): Promise<Buffer> } {
  return {
    async list() {
      const res = (await cloud.app.callFunction({ name: 'catalog', data: { action: 'list', pageSize: limit } })) as { result?: unknown; code?: string; message?: string };
      throwIfCode(res);
      const envelope = res.result as Envelope<{ items: ProductSummary[] }>;
      const items = envelope && envelope.ok ? envelope.data.items : [];
      return [{ id: HOME, title: '店铺首页码（活动海报）' }, ...items.map((p) => ({ id: `${PRODUCT}${p._id}`, title: `商品码 · ${p.title}` }))];
    },
    async png(id) {
      const target = id === HOME ? campaignTarget() : id.startsWith(PRODUCT) ? productTarget(id.slice(PRODUCT.length)) : undefined;
      if (!target) throw new Error(`unknown code ${id}`);
      return (await createSceneQr(cloud, id === HOME ? { target, campaign: 'preview' } : { target })).png;
    },
  };
}
