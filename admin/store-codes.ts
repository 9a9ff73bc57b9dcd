/**
 * The store's QR codes as the preview's "scan" control offers them: the home (campaign) code, one
 * code per retail store offering pickup, and one code per product on sale. Each is made the one way codes are made (`scenes.create` through
 * createSceneQr), so scanning one in the preview is scanning what a merchant would print.
 */
import type { Envelope, ProductSummary } from '../typings/api';
import { throwIfCode, type Cloud } from './cloud';
import { campaignTarget, createSceneQr, productTarget } from './qr';

const HOME = 'home';
const PRODUCT = 'product:';
const STORE = 'store:';

/** Retail stores offering pickup (read from the `stores` collection; none when it does not exist yet). */
async function pickupStores(cloud: Cloud, limit: number): Promise<{ _id: string; name: string }[]> {
  const res = (await cloud.db.collection('stores').where({ pickup: true }).limit(limit).get().catch(() => ({ data: [] }))) as { data?: { _id: string; name?: unknown }[] };
  return (res.data ?? []).map((s) => ({ _id: String(s._id), name: typeof s.name === 'string' ? s.name : String(s._id) }));
}

export function storeCodes(cloud: Cloud, limit = 20): { list(): Promise<{ id: string; title: string }[]>; png(id: string): Promise<Buffer> } {
  return {
    async list() {
      const res = (await cloud.app.callFunction({ name: 'catalog', data: { action: 'list', pageSize: limit } })) as { result?: unknown; code?: string; message?: string };
      throwIfCode(res);
      const envelope = res.result as Envelope<{ items: ProductSummary[] }>;
      const items = envelope && envelope.ok ? envelope.data.items : [];
      const stores = await pickupStores(cloud, limit);
      return [{ id: HOME, title: '店铺首页码（活动海报）' }, ...stores.map((s) => ({ id: `${STORE}${s._id}`, title: `门店码 · ${s.name}` })), ...items.map((p) => ({ id: `${PRODUCT}${p._id}`, title: `商品码 · ${p.title}` }))];
    },
    async png(id) {
      if (id.startsWith(STORE)) return (await createSceneQr(cloud, { target: campaignTarget(), store: id.slice(STORE.length) })).png;
      const target = id === HOME ? campaignTarget() : id.startsWith(PRODUCT) ? productTarget(id.slice(PRODUCT.length)) : undefined;
      if (!target) throw new Error(`unknown code ${id}`);
      return (await createSceneQr(cloud, id === HOME ? { target, campaign: 'preview' } : { target })).png;
    },
  };
}
