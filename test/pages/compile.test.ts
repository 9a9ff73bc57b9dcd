// Every page and component compiles with the official compilers (wcc / wcsc from
// miniprogram-compiler) and with miniprogram-ci's compile of the whole project (offline).
import fs from 'fs';
import os from 'os';
import path from 'path';
import { spawnSync } from 'child_process';
import { listUnits, missingTemplates, readAppJson, runWcc, runWcsc } from '../../scripts/mp-compile-check';
import { MP_ROOT, REPO } from '../support/mp-harness';

jest.setTimeout(180_000);

const { pages, components } = listUnits();

describe('official compilers', () => {
  test('the project has the storefront pages and components', () => {
    expect(pages).toEqual(
      expect.arrayContaining(['pages/catalog/index', 'pages-shop/product/index', 'pages/cart/index', 'pages-shop/checkout/index', 'pages-shop/pay-result/index', 'pages/orders/index', 'pages-order/detail/index', 'pages/landing/index']),
    );
    expect(components).toEqual(
      expect.arrayContaining(['components/price/index', 'components/stepper/index', 'components/product-card/index', 'pages-shop/components/sku-picker/index', 'components/state/index']),
    );
    for (const unit of [...pages, ...components]) {
      for (const ext of ['ts', 'wxml', 'wxss', 'json']) expect(fs.existsSync(path.join(MP_ROOT, `${unit}.${ext}`))).toBe(true);
    }
  });

  test('wcc compiles every page and component template', () => {
    const src = runWcc();
    expect(missingTemplates(src, [...pages, ...components])).toEqual([]);
  });

  test('wcc rejects a broken template (the check is real)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-broken-'));
    fs.mkdirSync(path.join(dir, 'pages', 'x'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'app.json'), JSON.stringify({ pages: ['pages/x/index'] }));
    fs.writeFileSync(path.join(dir, 'pages', 'x', 'index.json'), '{}');
    fs.writeFileSync(path.join(dir, 'pages', 'x', 'index.wxml'), '<view wx:if="{{a}}"><text>unclosed</view>');
    try {
      expect(() => runWcc(dir)).toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('wcsc compiles app.wxss and every page and component stylesheet', () => {
    expect(runWcsc()).toEqual([]);
  });

  test('miniprogram-ci compiles the whole project offline (TypeScript plugin, JSON checks; every uploaded JS file parses as ES2019 and no Babel helper ships)', () => {
    // In a child process: miniprogram-ci leaves sockets and a worker behind that would keep Jest alive.
    const res = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/mp-compile-check.ts', '--json'], { cwd: REPO, encoding: 'utf8', timeout: 170_000 });
    const line = (res.stdout || '').trim().split('\n').pop() || '';
    // No report line: the child died before it could write one (killed, out of memory); say how.
    const report = (line.startsWith('{') ? JSON.parse(line) : { problems: [`no report (exit ${res.status}, signal ${res.signal}): ${(res.stderr || '').slice(-1500)}`], ciFiles: [] }) as { problems: string[]; ciFiles: string[] };
    expect(report.problems).toEqual([]);
    expect(report.ciFiles).toEqual(expect.arrayContaining(['app.js', 'pages/catalog/index.js', 'pages-shop/components/sku-picker/index.js', 'domain/money.js']));
    expect(res.status).toBe(0);
  });

  test('app.json: tab pages are 首页, 购物车 and 我的 (the orders list stays a page at its path), all pages exist, sitemap allows product pages', () => {
    const app = readAppJson();
    const tabs = (app.tabBar?.list ?? []).map((t) => t.pagePath);
    expect(tabs).toEqual(['pages/catalog/index', 'pages/cart/index', 'pages/me/index']);
    expect((app.tabBar?.list ?? []).map((t) => (t as { text?: string }).text)).toEqual(['首页', '购物车', '我的']);
    expect(app.pages).toContain('pages/orders/index');
    expect(app.pages[0]).toBe('pages/catalog/index');
    const sitemap = JSON.parse(fs.readFileSync(path.join(MP_ROOT, 'sitemap.json'), 'utf8')) as { rules: { action: string; page: string }[] };
    expect(sitemap.rules.find((r) => r.page === 'pages-shop/product/index')?.action).toBe('allow');
  });

  test('pages import the API contract type-only (typings/ is outside the package)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          const src = fs.readFileSync(p, 'utf8');
          for (const line of src.split('\n')) if (/^import\s+(?!type\b).*typings\//.test(line)) offenders.push(`${path.relative(MP_ROOT, p)}: ${line}`);
        }
      }
    };
    walk(MP_ROOT);
    expect(offenders).toEqual([]);
  });

  test('every tappable element has an accessible label', () => {
    const missing: string[] = [];
    for (const unit of [...pages, ...components]) {
      const wxml = fs.readFileSync(path.join(MP_ROOT, `${unit}.wxml`), 'utf8');
      for (const tag of wxml.match(/<[a-z-]+\b[^>]*\bbind(?:tap|:tap)=[^>]*>/g) || []) {
        if (!/\baria-label=/.test(tag)) missing.push(`${unit}: ${tag.slice(0, 80)}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('the cloud env id is set in exactly one place', () => {
    const hits: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && /wx\.cloud\.init\(/.test(fs.readFileSync(p, 'utf8'))) hits.push(path.relative(MP_ROOT, p));
      }
    };
    walk(MP_ROOT);
    expect(hits).toEqual(['app.ts']);
    expect(fs.readFileSync(path.join(MP_ROOT, 'app.ts'), 'utf8')).toMatch(/wx\.cloud\.init\(\{ env: CLOUD_ENV_ID/);
  });
});
