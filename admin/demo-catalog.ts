/**
 * The demo catalog: 41 products over 6 categories, with realistic titles, colour × size specs, prices in
 * fen and stock. Deterministic (same ids, prices and stock on every run), so other parts' tests can
 * rely on it. `seedDemoCatalog(app)` writes it (idempotently: documents are `set` by id) and uploads
 * one generated PNG per product to cloud storage.
 *
 * Known fixtures for tests: `demo-p28` is sold out (every SKU stock 0), `demo-p40` is off the shelf,
 * `demo-p16` has no specs (one SKU), `demo-p01` is a colour × size T-shirt.
 */
import type { Category, Product, Sku, SpecDimension } from '../typings/domain';
import { normalizeProduct } from '../miniprogram/domain/normalize';
import { withKeywords } from '../miniprogram/domain/search-terms';
import type { CloudApp } from './cloud';
import { pool, throwIfCode } from './cloud';
import { placeholderPng } from './images';
import { rng } from './seeded-random';

export const DEMO_CATEGORIES: Category[] = [
  { _id: 'c-apparel', name: '服饰', sort: 1 },
  { _id: 'c-shoes-bags', name: '鞋包', sort: 2 },
  { _id: 'c-home', name: '家居', sort: 3 },
  { _id: 'c-food', name: '食品', sort: 4 },
  { _id: 'c-digital', name: '数码配件', sort: 5 },
  { _id: 'c-beauty', name: '美妆个护', sort: 6 },
];

type Dim = [name: string, values: string[]];
interface Row {
  category: string;
  title: string;
  /** Lowest price, fen. */
  price: number;
  specs: Dim[];
  /** Extra fen per step along the last dimension (bigger sizes cost more). */
  step?: number;
  /** Struck-through price, fen. */
  original?: number;
  description: string;
  soldOut?: boolean;
  offShelf?: boolean;
  /** What shoppers type that the product's own text does not say. */
  searchTerms?: string[];
}

const SIZES = ['S', 'M', 'L', 'XL'];
const ROWS: Row[] = [
  { category: 'c-apparel', title: '纯棉圆领短袖T恤 男女同款', price: 5900, specs: [['颜色', ['白色', '黑色', '雾霾蓝']], ['尺码', SIZES]], original: 7900, description: '新疆长绒棉，220g 重磅面料，不易变形。' },
  { category: 'c-apparel', title: '重磅加绒连帽卫衣', price: 16900, specs: [['颜色', ['燕麦色', '炭灰', '墨绿']], ['尺码', ['M', 'L', 'XL']]], step: 1000, description: '内里加绒，秋冬保暖，落肩宽松版型。' },
  { category: 'c-apparel', title: '法式复古碎花连衣裙', price: 23900, specs: [['颜色', ['米白碎花', '藏青碎花']], ['尺码', ['S', 'M', 'L']]], original: 29900, description: '雪纺面料，V 领收腰，通勤约会都合适。' },
  { category: 'c-apparel', title: '冰丝垂感阔腿休闲裤', price: 9900, specs: [['颜色', ['黑色', '卡其', '浅灰']], ['尺码', SIZES]], description: '夏季薄款，冰丝凉感，垂坠显瘦。' },
  { category: 'c-apparel', title: '牛津纺长袖衬衫', price: 12900, specs: [['颜色', ['白色', '浅蓝', '淡粉']], ['尺码', ['M', 'L', 'XL']]], description: '免烫牛津纺，商务休闲两穿。' },
  { category: 'c-apparel', title: '轻薄短款羽绒服 90白鸭绒', price: 39900, specs: [['颜色', ['黑色', '米白', '雾粉']], ['尺码', ['S', 'M', 'L']]], original: 59900, description: '90% 白鸭绒，轻至 280g，可收纳。' },
  { category: 'c-apparel', title: '高腰直筒牛仔裤', price: 18900, specs: [['颜色', ['浅蓝', '深蓝']], ['腰围', ['26', '27', '28', '29', '30']]], description: '弹力牛仔，高腰显腿长。' },
  { category: 'c-apparel', title: '软糯针织开衫外套', price: 14900, specs: [['颜色', ['杏色', '灰色', '黑色']], ['尺码', ['S', 'M', 'L']]], description: '羊毛混纺，亲肤不扎。' },
  { category: 'c-shoes-bags', title: '透气网面缓震跑步鞋', price: 29900, specs: [['颜色', ['黑白', '全黑', '灰蓝']], ['鞋码', ['39', '40', '41', '42', '43']]], original: 39900, description: '飞织鞋面，回弹中底，适合日常慢跑。' },
  { category: 'c-shoes-bags', title: '经典低帮帆布鞋', price: 8900, specs: [['颜色', ['白色', '黑色', '红色']], ['鞋码', ['35', '36', '37', '38', '39', '40']]], description: '硫化工艺，百搭经典款。' },
  { category: 'c-shoes-bags', title: '软底一脚蹬乐福鞋', price: 21900, specs: [['颜色', ['黑色', '棕色']], ['鞋码', ['35', '36', '37', '38', '39']]], description: '头层牛皮，软底不磨脚。' },
  { category: 'c-shoes-bags', title: '大容量通勤双肩包', price: 15900, specs: [['颜色', ['黑色', '深灰']], ['尺寸', ['15.6英寸', '17英寸']]], step: 2000, description: '防泼水面料，独立电脑仓，USB 充电口。' },
  { category: 'c-shoes-bags', title: '真皮斜挎小方包', price: 26900, specs: [['颜色', ['黑色', '焦糖', '奶白']]], description: '头层牛皮，可调节肩带。' },
  { category: 'c-shoes-bags', title: '防滑居家棉拖鞋', price: 3990, specs: [['颜色', ['粉色', '灰色', '蓝色']], ['尺码', ['36-37', '38-39', '40-41', '42-43']]], description: '加厚软底，静音防滑。' },
  { category: 'c-home', title: '全棉磨毛床上四件套', price: 29900, specs: [['颜色', ['白灰', '豆沙', '雾蓝']], ['规格', ['1.5m床', '1.8m床']]], step: 3000, original: 39900, description: '100% 棉磨毛，亲肤保暖，A 类标准。' },
  { category: 'c-home', title: '记忆棉慢回弹护颈枕', price: 12900, specs: [], description: '慢回弹记忆棉，人体工学曲线。' },
  { category: 'c-home', title: '北欧哑光陶瓷马克杯', price: 3900, specs: [['颜色', ['奶白', '墨绿', '雾蓝']], ['容量', ['350ml', '450ml']]], step: 500, description: '高温烧制，可进微波炉和洗碗机。', searchTerms: ['杯子', '水杯', '咖啡杯', '陶瓷杯'] },
  { category: 'c-home', title: '加厚珊瑚绒毛毯', price: 8900, specs: [['颜色', ['浅灰', '樱花粉', '米色']], ['尺寸', ['100×150cm', '150×200cm']]], step: 4000, description: '双层加厚，不掉毛不起球。' },
  { category: 'c-home', title: '竹纤维洗脸毛巾 3条装', price: 2990, specs: [], description: '竹纤维材质，吸水速干。' },
  { category: 'c-home', title: '可折叠布艺收纳箱', price: 2590, specs: [['尺寸', ['小号', '中号', '大号']]], step: 1000, description: '带盖可折叠，衣物玩具收纳。' },
  { category: 'c-home', title: '大豆蜡香薰蜡烛礼盒', price: 7900, specs: [['香型', ['雪松', '白茶', '无花果']]], description: '天然大豆蜡，燃烧约 40 小时。' },
  { category: 'c-food', title: '云南勐海古树普洱茶饼 357g', price: 16800, specs: [], description: '2019 年春茶，生茶，适合收藏。' },
  { category: 'c-food', title: '每日坚果混合装', price: 3990, specs: [['规格', ['375g（15袋）', '750g（30袋）']]], step: 3000, description: '六种坚果果干科学配比，独立小包装。' },
  { category: 'c-food', title: '五常稻花香大米 5kg', price: 7990, specs: [], original: 9990, description: '黑龙江五常核心产区，当季新米。' },
  { category: 'c-food', title: '手撕风干牛肉干', price: 2990, specs: [['口味', ['原味', '麻辣', '五香']], ['规格', ['100g', '250g']]], step: 3000, description: '内蒙古草原黄牛肉，风干工艺。' },
  { category: 'c-food', title: '低糖手工曲奇礼盒', price: 5800, specs: [['口味', ['黄油', '抹茶', '巧克力']]], description: '新西兰黄油，少糖配方。' },
  { category: 'c-food', title: '精品挂耳咖啡', price: 3990, specs: [['烘焙度', ['中度烘焙', '深度烘焙']], ['规格', ['10包', '30包']]], step: 6000, description: '云南小粒咖啡豆，现磨充氮保鲜。' },
  { category: 'c-food', title: '新疆若羌灰枣 1kg', price: 3580, specs: [], description: '自然晾晒，皮薄肉厚。', soldOut: true },
  { category: 'c-digital', title: '氮化镓65W快充充电器', price: 12900, specs: [['颜色', ['白色', '黑色']]], original: 15900, description: '三口输出，笔记本手机通用。' },
  { category: 'c-digital', title: '编织快充数据线 Type-C', price: 2990, specs: [['颜色', ['黑色', '白色']], ['长度', ['1m', '2m']]], step: 1000, description: '尼龙编织，耐弯折 2 万次。' },
  { category: 'c-digital', title: '主动降噪无线蓝牙耳机', price: 49900, specs: [['颜色', ['曜石黑', '珍珠白', '冰川蓝']]], original: 69900, description: '40dB 深度降噪，续航 30 小时。' },
  { category: 'c-digital', title: '磁吸车载手机支架', price: 4900, specs: [['颜色', ['银色', '黑色']]], description: '强磁吸附，单手取放。' },
  { category: 'c-digital', title: '20000mAh 大容量移动电源', price: 14900, specs: [['颜色', ['白色', '黑色']]], description: '22.5W 快充，可带上飞机。' },
  { category: 'c-digital', title: '热插拔机械键盘', price: 32900, specs: [['轴体', ['青轴', '红轴', '茶轴']], ['配列', ['87键', '104键']]], step: 5000, description: 'PBT 键帽，三模连接。' },
  { category: 'c-digital', title: '液态硅胶手机壳', price: 3900, specs: [['颜色', ['透明', '磨砂黑']], ['型号', ['iPhone 15', 'iPhone 15 Pro', 'iPhone 16']]], description: '全包防摔，不发黄。', searchTerms: ['苹果手机壳', '保护套'] },
  { category: 'c-beauty', title: '氨基酸温和洁面乳 120g', price: 6900, specs: [], description: '弱酸性配方，敏感肌可用。' },
  { category: 'c-beauty', title: '玻尿酸补水面膜 10片装', price: 9900, specs: [], original: 12900, description: '三重玻尿酸，密集补水。' },
  { category: 'c-beauty', title: '丝绒哑光口红', price: 15900, specs: [['色号', ['#01 正红', '#02 豆沙', '#03 枫叶']]], description: '丝绒质地，持久不拔干。' },
  { category: 'c-beauty', title: '控油蓬松洗发水 500ml', price: 5990, specs: [], description: '无硅油配方，清爽蓬松。' },
  { category: 'c-beauty', title: '声波电动牙刷', price: 19900, specs: [['颜色', ['白色', '粉色', '黑色']]], description: '五档模式，一次充电用 60 天。', offShelf: true },
  { category: 'c-beauty', title: '清爽防晒乳 SPF50+ 50ml', price: 12900, specs: [], description: '轻薄不油腻，防水防汗。' },
];

function combos(specs: SpecDimension[]): string[][] {
  return specs.reduce<string[][]>((acc, dim) => acc.flatMap((prefix) => dim.values.map((v) => [...prefix, v])), [[]]);
}

export function demoProductId(n: number): string {
  return `demo-p${String(n).padStart(2, '0')}`;
}

/**
 * The demo products as stored documents (valid for normalizeProduct). `images` are filled in by
 * `seedDemoCatalog`; here each product has a placeholder path that `imageFor` turns into a fileID.
 */
export function demoProducts(now = Date.UTC(2026, 0, 1), images?: (index: number) => string): Product[] {
  const random = rng(20260101);
  return ROWS.map((row, i) => {
    const n = i + 1;
    const _id = demoProductId(n);
    const specs: SpecDimension[] = row.specs.map(([name, values]) => ({ name, values }));
    const skus: Sku[] = combos(specs).map((specValues, k) => {
      const lastIndex = specs.length > 0 ? specs[specs.length - 1].values.indexOf(specValues[specValues.length - 1]) : 0;
      const price = row.price + (row.step ?? 0) * lastIndex;
      const sku: Sku = {
        skuId: `${_id}-s${k + 1}`,
        specValues,
        price,
        stock: row.soldOut ? 0 : 5 + Math.floor(random() * 96),
      };
      if (row.original !== undefined) sku.originalPrice = row.original + (row.step ?? 0) * lastIndex;
      return sku;
    });
    const createdAt = now - (ROWS.length - i) * 3_600_000;
    return {
      _id,
      title: row.title,
      description: row.description,
      categoryId: row.category,
      images: [images ? images(i) : `https://example.invalid/demo/${_id}.png`],
      specs,
      skus,
      status: row.offShelf ? 'off_shelf' : 'on_shelf',
      sales: Math.floor(random() * 2000),
      price: Math.min(...skus.map((s) => s.price)),
      createdAt,
      updatedAt: createdAt,
      ...(row.searchTerms ? { searchTerms: row.searchTerms } : {}),
    };
  });
}

export interface SeedOptions {
  /** 'upload' (default): one generated PNG per product in cloud storage; 'none': placeholder URLs, no storage calls. */
  images?: 'upload' | 'none';
  now?: number;
  /** Do nothing when the products collection already has documents (for `npm start` on kept data). */
  ifEmpty?: boolean;
  /** Called after each product is written. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  /** True when `ifEmpty` was set and products existed: nothing was written. */
  skipped: boolean;
  categories: number;
  products: number;
  productIds: string[];
}

/**
 * Writes the demo catalog into `categories` and `products` (creating the collections if needed).
 * Idempotent: documents are `set` by id, so seeding twice leaves one copy. Usage:
 *
 *   import tcb from '@cloudbase/node-sdk';
 *   import { seedDemoCatalog } from '../admin/demo-catalog';
 *   const app = tcb.init({ env: cloud.envId, serviceUrl: cloud.adminUrl, secretId: 'local', secretKey: 'local' });
 *   await seedDemoCatalog(app);                     // or { ifEmpty: true } to keep existing data
 */
export async function seedDemoCatalog(app: CloudApp, options: SeedOptions = {}): Promise<SeedResult> {
  const db = app.database();
  await ensureCollections(app, ['categories', 'products']);
  if (options.ifEmpty) {
    const res = (await db.collection('products').count()) as { total?: number };
    throwIfCode(res);
    if ((res.total ?? 0) > 0) return { skipped: true, categories: 0, products: 0, productIds: [] };
  }
  let imageIds: string[] | undefined;
  if ((options.images ?? 'upload') === 'upload') {
    imageIds = await pool(ROWS, 8, async (row, i) => {
      const res = await app.uploadFile({ cloudPath: `demo/products/${demoProductId(i + 1)}.png`, fileContent: placeholderPng((i * 37) % 360, i) });
      throwIfCode(res);
      return res.fileID;
    });
  }
  const products = demoProducts(options.now, imageIds ? (i) => imageIds![i] : undefined);
  for (const product of products) {
    const checked = normalizeProduct(product);
    if (!checked.ok) throw new Error(`demo product ${product._id} is invalid: ${JSON.stringify(checked.problems)}`);
  }
  await pool(DEMO_CATEGORIES, 6, async (category) => {
    const { _id, ...data } = category;
    throwIfCode(await db.collection('categories').doc(_id).set(data));
  });
  let done = 0;
  const names = new Map(DEMO_CATEGORIES.map((c) => [c._id, c.name]));
  await pool(products, 8, async (product) => {
    const { _id, ...data } = withKeywords(product, names);
    throwIfCode(await db.collection('products').doc(_id).set(data));
    done += 1;
    options.onProgress?.(done, products.length);
  });
  return { skipped: false, categories: DEMO_CATEGORIES.length, products: products.length, productIds: products.map((p) => p._id) };
}

/** Creates collections that do not exist yet (an existing collection is not an error). */
export async function ensureCollections(app: CloudApp, names: string[]): Promise<{ created: string[]; existing: string[] }> {
  const db = app.database();
  const created: string[] = [];
  const existing: string[] = [];
  for (const name of names) {
    if (await collectionExists(app, name)) {
      existing.push(name);
      continue;
    }
    try {
      const res = await db.createCollection(name);
      throwIfCode(res);
      created.push(name);
    } catch (error) {
      if (await collectionExists(app, name)) existing.push(name);
      else throw error;
    }
  }
  return { created, existing };
}

export async function collectionExists(app: CloudApp, name: string): Promise<boolean> {
  try {
    const res = (await app.database().collection(name).limit(1).count()) as { code?: string; total?: number };
    if (res && res.code) return !String(res.code).includes('COLLECTION_NOT_EXIST');
    return true;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (String(e.code ?? '').includes('COLLECTION_NOT_EXIST') || /not exist/i.test(String(e.message))) return false;
    throw error;
  }
}
