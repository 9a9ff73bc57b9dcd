// Storefront budgets, measured rather than estimated:
//   1. package sizes: what DevTools would upload, i.e. miniprogram-ci's compiled project
//      (minified JS incl. Babel helpers, WXML, WXSS, JSON, images), offline with a placeholder key,
//      split by app.json subpackage roots: the main package against the start-fast target, each
//      subpackage and the total against the platform limits;
//   2. the largest single page setData payload (JSON bytes) while the catalog scrolls to 500 products,
//      plus the product page with the largest product a document may hold and a full cart. The pages
//      run from that compiled package (official wcc templates, exparser via miniprogram-simulate).
// Prints a table and exits 1 when a budget is exceeded.  Run: npx tsx scripts/budgets.ts [--json]
import fs from 'fs';
import path from 'path';
import { fakeCatalog, freshBuild, installWx, MP_ROOT, renderPage, REPO, settle, tempDir } from '../test/support/mp-harness';
import type { FakeWx } from '../test/support/mp-harness';
import { auditTree } from '../simulator/render/audit';

/**
 * mainPackageBytes: the start-fast target (the tab pages and what they need). Platform limits
 * (docs/reference/platform-limits.md §1): 2 MB for the main package and for each subpackage, 20 MB
 * for all packages together.
 */
export const BUDGETS = { mainPackageBytes: 80 * 1024, setDataBytes: 16 * 1024 };
/**
 * What fails the run: the start-fast target itself, now that the main package is under it (measured
 * 75.2 KB, 77,010 bytes, compiled without Babel helpers: es6 and enhance off,
 * docs/reference/javascript-support.md). Main holds the tab pages (catalog, cart, 我的), the landing
 * page and the old-path forwarders with their components, services and domain rules; the tab icons
 * (3.5 KB, 4-bit indexed); and what subpackage pages share from outside every subpackage root, which
 * WeChat packs into main: the paged-list, load-state and form-input behaviours, the countdown
 * component, and a few small domain rules that live in miniprogram/domain/ beside the server's copy
 * (address 2.2 KB, pickup, coupon texts, flash display, China time). The order pages' status texts and
 * buttons and the after-sales form's refund come from the server (server/order-presenter.ts), so the
 * order lifecycle and the refund rules are not shipped to the phone at all. Shared components and
 * services used by one subpackage more than the others ship in that subpackage and the others reach
 * them asynchronously (docs/reference/subpackage-async.md): coupon-claim, coupon-card, coupon-view,
 * privacy-popup and the pay flow in `shop`.
 */
export const MAIN_PACKAGE_CEILING_BYTES = BUDGETS.mainPackageBytes;
export const PLATFORM_LIMITS = { packageBytes: 2 * 1024 * 1024, totalBytes: 20 * 1024 * 1024 };

export interface PackageSize {
  /** '' for the main package, else the subpackage root */
  root: string;
  name: string;
  bytes: number;
  files: number;
}

/**
 * Splits the compiled upload into its packages the way WeChat packs it: a file under a subpackage
 * root ships in that subpackage, every other file (app.*, tab pages, shared components, domain,
 * images, @babel/runtime helpers) in the main package.
 */
export function splitPackages(result: Record<string, string | Buffer>, appJson = readAppJson()): PackageSize[] {
  const subs = [...(appJson.subpackages ?? []), ...(appJson.subPackages ?? [])].map((s) => ({ root: s.root.replace(/^\/+|\/+$/g, ''), name: s.name ?? s.root }));
  const sizes: PackageSize[] = [{ root: '', name: 'main', bytes: 0, files: 0 }, ...subs.map((s) => ({ ...s, bytes: 0, files: 0 }))];
  for (const [file, value] of Object.entries(result)) {
    const i = subs.findIndex((s) => file.startsWith(`${s.root}/`));
    const size = sizes[i + 1];
    size.bytes += typeof value === 'string' ? Buffer.byteLength(value) : value.length;
    size.files += 1;
  }
  return sizes;
}

function readAppJson(): { subpackages?: { root: string; name?: string }[]; subPackages?: { root: string; name?: string }[] } {
  return JSON.parse(fs.readFileSync(path.join(MP_ROOT, 'app.json'), 'utf8'));
}
const CATALOG_TARGET = 500;

export interface BudgetReport {
  mainPackageBytes: number;
  /** every package of the upload, main first */
  packages: PackageSize[];
  totalBytes: number;
  packageSource: 'miniprogram-ci' | 'estimate';
  /** Which JS the pages ran from while measuring setData. */
  pagesRunFrom: 'miniprogram-ci output' | 'esbuild transpile';
  files: number;
  catalogProducts: number;
  catalogSetDataCalls: number;
  largestSetData: { page: string; bytes: number; keys: string[] };
  perPage: Record<string, number>;
  ok: boolean;
  failures: string[];
}

/** The upload content as miniprogram-ci compiles it (the same compiler DevTools uses). */
export async function compiledPackage(): Promise<{ bytes: number; files: number; source: 'miniprogram-ci' | 'estimate'; result?: Record<string, string | Buffer>; packages: PackageSize[] }> {
  try {
    const result = await compileWithCi();
    const packages = splitPackages(result);
    // `bytes` / `files`: the main package, the one downloaded before the first page shows.
    return { bytes: packages[0].bytes, files: packages[0].files, source: 'miniprogram-ci', result, packages };
  } catch (err) {
    // No usable miniprogram-ci: count sources as-is (an over-estimate: nothing minified).
    let bytes = 0;
    let files = 0;
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (!/\.md$/.test(e.name)) {
          bytes += fs.statSync(p).size;
          files += 1;
        }
      }
    };
    walk(MP_ROOT);
    process.stderr.write(`miniprogram-ci unavailable (${String(err)}); package size estimated from sources (all packages)\n`);
    return { bytes, files, source: 'estimate', packages: [{ root: '', name: 'all packages', bytes, files }] };
  }
}

let ciResult: Promise<Record<string, string | Buffer>> | undefined;

/** getCompiledResult offline: any non-empty private key works for compiling (nothing is uploaded). */
export function compileWithCi(): Promise<Record<string, string | Buffer>> {
  if (ciResult) return ciResult;
  ciResult = (async () => {
    // miniprogram-ci logs progress and a failed network lookup on stdout; keep the report clean.
    const log = console.log;
    const err = console.error;
    const write = process.stdout.write;
    console.log = () => undefined;
    console.error = () => undefined;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    // Its compiler makes its cache folder, md5(projectPath + '|summer'), relative to the working
    // directory, with no option to move it: work from a temp folder, not the repository root.
    const cwd = process.cwd();
    process.chdir(tempDir('miniprogram-ci-'));
    try {
      const ci = require('miniprogram-ci');
      const project = new ci.Project({
        appid: 'touristappid',
        type: 'miniProgram',
        projectPath: REPO,
        privateKey: 'placeholder-key-for-offline-compile',
        ignores: ['node_modules/**/*'],
      });
      project.attr = async () => ci.DefaultProjectAttr || {};
      return (await ci.getCompiledResult({ project, setting: { useProjectConfig: true } })) as Record<string, string | Buffer>;
    } finally {
      process.chdir(cwd);
      console.log = log;
      console.error = err;
      process.stdout.write = write;
    }
  })();
  return ciResult;
}

function largest(log: FakeWx['setDataLog'], page?: string) {
  let best = { page: '', bytes: 0, keys: [] as string[] };
  for (const entry of log) if ((!page || entry.page === page) && entry.bytes > best.bytes) best = entry;
  return best;
}

/** The page harness measureCatalog drives: this checkout's, or an earlier checkout's (bench/miniprogram.ts `--before`). */
export type CatalogHarness = Pick<typeof import('../test/support/mp-harness'), 'installWx' | 'fakeCatalog' | 'renderPage' | 'settle'>;

/**
 * Scrolls the catalog (page logic + official templates) to `target` products, logging every setData;
 * the tree it renders then, component internals included, measured by DevTools' audit rules.
 */
export async function measureCatalog(root: string = freshBuild(), target = CATALOG_TARGET, h: CatalogHarness = { installWx, fakeCatalog, renderPage, settle }) {
  const fake = h.installWx(h.fakeCatalog(target));
  const page = h.renderPage('catalog', fake, {}, root);
  await h.settle(5);
  for (let guard = 0; guard < 200 && !page.instance.data.noMore; guard += 1) {
    page.instance.onReachBottom();
    await h.settle(3);
  }
  // A catalog that kept every card it loaded (before windowing) counted them as its `items`.
  const count = (page.instance.data.count ?? (page.instance.data.items as unknown[] | undefined)?.length) as number;
  return { fake, count, tree: auditTree(page.dom as unknown as Element) };
}

/** The heaviest product a document may hold (20 images, 3 specs, 200 SKUs) on the product page. */
export async function measureProduct(root: string = freshBuild()) {
  const colors = Array.from({ length: 10 }, (_, i) => `颜色${i}`);
  const sizes = ['XS', 'S', 'M', 'L', 'XL'];
  const fits = ['常规', '宽松', '修身', '加长'];
  const skus = [];
  for (const c of colors) for (const s of sizes) for (const f of fits) skus.push({ skuId: `sku_${c}_${s}_${f}`, specValues: [c, s, f], price: 9900, originalPrice: 12900, available: skus.length % 9 });
  const product = {
    _id: 'prod_big',
    title: '纯棉加厚连帽卫衣 秋冬新款宽松百搭 男女同款 多色可选'.repeat(2),
    description: '面料：100% 棉。\n'.repeat(200),
    categoryId: 'c1',
    images: Array.from({ length: 20 }, (_, i) => `cloud://storefront-prod-7gq2x3.7374-storefront-prod-7gq2x3-1320000000/products/big/${i}.jpg`),
    specs: [{ name: '颜色', values: colors }, { name: '尺码', values: sizes }, { name: '版型', values: fits }],
    skus,
    status: 'on_shelf',
    price: 9900,
    sales: 1234,
  };
  const fake = installWx(fakeCatalog(0, { 'catalog.get': () => ({ ok: true, data: { product } }) }));
  renderPage('product', fake, { id: 'prod_big' }, root);
  await settle(5);
  return fake;
}

/** A full cart (50 lines, the domain limit) revalidated through inventory.check. */
export async function measureCart(root: string = freshBuild()) {
  const lines = Array.from({ length: 50 }, (_, i) => ({
    productId: `prod_${i}`,
    skuId: `sku_${i}`,
    qty: 2,
    seenPrice: 5990,
    selected: true,
    addedAt: 1,
    title: `第${i}号 纯棉加厚连帽卫衣 秋冬新款宽松百搭 男女同款`,
    image: `cloud://storefront-prod-7gq2x3.7374-storefront-prod-7gq2x3-1320000000/products/${i}/cover.jpg`,
    specText: '藏青 / XL',
  }));
  const fake = installWx(
    fakeCatalog(0, {
      'inventory.check': (data) => ({
        ok: true,
        data: {
          lines: (data.lines as { productId: string; skuId: string; qty: number; seenPrice: number }[]).map((l, i) => ({
            ...l,
            available: 10,
            currentPrice: i % 5 === 0 ? 6990 : 5990,
            title: lines[i].title,
            image: lines[i].image,
            specText: lines[i].specText,
            problems: i % 5 === 0 ? [{ code: 'PRICE_CHANGED', message: '价格有变动' }] : [],
          })),
        },
      }),
    }),
  );
  fake.storage.set('storefront.cart.v1', lines);
  renderPage('cart', fake, {}, root);
  await settle(5);
  return fake;
}

/** Writes miniprogram-ci's output to a fresh directory, so pages run exactly the JS DevTools would ship. */
export function writeCompiled(result: Record<string, string | Buffer>): string {
  const dir = tempDir('mp-ci-');
  for (const [file, content] of Object.entries(result)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

export async function runBudgets(): Promise<BudgetReport> {
  const pkg = await compiledPackage();
  // Measure on the compiled package when there is one (one copy per page: module state starts clean).
  const build = () => (pkg.result ? writeCompiled(pkg.result) : freshBuild());
  const catalog = await measureCatalog(build());
  const product = await measureProduct(build());
  const cart = await measureCart(build());
  const log = [...catalog.fake.setDataLog, ...product.setDataLog, ...cart.setDataLog];
  const top = largest(log);
  const failures: string[] = [];
  // The 80 KB target is printed beside the figure; the run fails past the ceiling (a regression).
  if (pkg.bytes > MAIN_PACKAGE_CEILING_BYTES) failures.push(`main package ${kb(pkg.bytes)} > ${kb(MAIN_PACKAGE_CEILING_BYTES)} ceiling`);
  for (const p of pkg.packages.slice(1)) if (p.bytes > PLATFORM_LIMITS.packageBytes) failures.push(`subpackage ${p.name} ${kb(p.bytes)} > ${kb(PLATFORM_LIMITS.packageBytes)}`);
  const totalBytes = pkg.packages.reduce((n, p) => n + p.bytes, 0);
  if (totalBytes > PLATFORM_LIMITS.totalBytes) failures.push(`all packages ${kb(totalBytes)} > ${kb(PLATFORM_LIMITS.totalBytes)}`);
  if (top.bytes > BUDGETS.setDataBytes) failures.push(`setData on ${top.page} ${kb(top.bytes)} > ${kb(BUDGETS.setDataBytes)} (keys ${top.keys.slice(0, 5).join(', ')}…)`);
  if (catalog.count < CATALOG_TARGET) failures.push(`catalog scrolled to ${catalog.count} products, expected ${CATALOG_TARGET}`);
  return {
    mainPackageBytes: pkg.bytes,
    packages: pkg.packages,
    totalBytes,
    packageSource: pkg.source,
    pagesRunFrom: pkg.result ? 'miniprogram-ci output' : 'esbuild transpile',
    files: pkg.files,
    catalogProducts: catalog.count,
    catalogSetDataCalls: catalog.fake.setDataLog.length,
    largestSetData: top,
    perPage: {
      catalog: largest(catalog.fake.setDataLog).bytes,
      product: largest(product.setDataLog).bytes,
      cart: largest(cart.setDataLog).bytes,
    },
    ok: failures.length === 0,
    failures,
  };
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function formatReport(r: BudgetReport): string {
  const mark = (ok: boolean) => (ok ? 'ok  ' : 'OVER');
  return [
    'Storefront budgets',
    `  ${mark(r.mainPackageBytes <= BUDGETS.mainPackageBytes)} main package        ${kb(r.mainPackageBytes)} / ${kb(BUDGETS.mainPackageBytes)} target, ${kb(MAIN_PACKAGE_CEILING_BYTES)} ceiling, ${kb(PLATFORM_LIMITS.packageBytes)} limit  (${r.files} files, ${r.packageSource}, compiled as uploaded)`,
    ...r.packages.slice(1).map((p) => `  ${mark(p.bytes <= PLATFORM_LIMITS.packageBytes)} subpackage ${p.name.padEnd(8)} ${kb(p.bytes)} / ${kb(PLATFORM_LIMITS.packageBytes)} limit  (${p.files} files, root ${p.root}/)`),
    `  ${mark(r.totalBytes <= PLATFORM_LIMITS.totalBytes)} all packages        ${kb(r.totalBytes)} / ${kb(PLATFORM_LIMITS.totalBytes)} limit`,
    `  ${mark(r.largestSetData.bytes <= BUDGETS.setDataBytes)} largest setData     ${kb(r.largestSetData.bytes)} / ${kb(BUDGETS.setDataBytes)}  (page ${r.largestSetData.page})`,
    `       catalog scroll      ${r.catalogProducts} products in ${r.catalogSetDataCalls} setData calls, largest ${kb(r.perPage.catalog)}  (pages run from ${r.pagesRunFrom})`,
    `       product (200 SKUs)  largest ${kb(r.perPage.product)}`,
    `       cart (50 lines)     largest ${kb(r.perPage.cart)}`,
    r.ok ? 'All budgets met.' : `Over budget:\n  - ${r.failures.join('\n  - ')}`,
  ].join('\n');
}

if (require.main === module) {
  runBudgets()
    .then((report) => {
      process.stdout.write(`${process.argv.includes('--json') ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
      // miniprogram-ci leaves a worker process behind; exit explicitly.
      process.exit(report.ok ? 0 : 1);
    })
    .catch((err) => {
      process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
      process.exit(2);
    });
}
