/**
 * Two views for what hand edits in the cloud console leave behind, in headless Chromium, in Chinese and
 * English: the stock check (SKUs whose figures no longer match their stock ledger, what to do, what is
 * safe to edit by hand; "all consistent" when nothing is wrong) and the rename dialog for a product whose
 * id breaks the id rule (checked by the shared rule before sending, the server's refusal shown).
 * Screenshots at phone and desktop sizes go to the artifacts folder.
 */
import { productDoc } from '../support';
import { useConsole } from './harness';

jest.setTimeout(180_000);

const ui = useConsole();

/** A console API call from the page (same origin, the secret's cookie), as the views make them. */
const api = (method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> =>
  ui.page.evaluate(
    `fetch('api/${route}', { method: '${method}', headers: { 'content-type': 'application/json' }${body === undefined ? '' : `, body: ${JSON.stringify(JSON.stringify(body))}`} }).then(async (r) => ({ status: r.status, body: await r.json() }))`,
  ) as Promise<{ status: number; body: any }>;

const text = (selector: string) => ui.page.locator(selector).first().textContent();

test('stock check: all consistent, then a hand edit is listed with what to do, and gone once set back', async () => {
  // Products written through the merchant function are on the ledger; the demo catalog (seeded before it) is not yet.
  for (const id of ['lg-tee', 'lg-cap']) {
    const skus = [{ skuId: `${id}-s`, specValues: ['S'], price: 3900, stock: 20 }, { skuId: `${id}-m`, specValues: ['M'], price: 3900, stock: 8 }];
    const saved = await api('POST', 'products', { product: productDoc(id, skus, { title: id === 'lg-tee' ? '纯棉短袖' : '棒球帽', specs: [{ name: '尺码', values: ['S', 'M'] }] }) });
    expect(saved).toMatchObject({ status: 201 });
  }
  expect((await api('POST', 'products/lg-cap/stock', { skuId: 'lg-cap-m', delta: 4, reason: '到货' })).status).toBe(200);

  await ui.open('#/ledger');
  await expect(text('#ledger-ok')).resolves.toBe('全部一致：2 个商品的 4 个 SKU，数字与库存流水完全相符。');
  await expect(text('#ledger-problem-count .stat-value')).resolves.toBe('0');
  await expect(text('#ledger-unopened-count .stat-value')).resolves.toBe('41');
  await expect(text('#ledger-hand-edits h3')).resolves.toBe('数据库面板里哪些可以手改');
  await expect(text('.ledger-unsafe')).resolves.toContain('不要改：SKU 的 stock、reserved、sold');
  await expect(text('#ledger-doc')).resolves.toContain('docs/DEPLOYMENT.md');
  expect(await ui.page.locator('.ledger-row').count()).toBe(0);
  await ui.shots('ledger-ok-zh');

  // A merchant "restocks" in the cloud console's database panel: the figure no longer matches its moves.
  const products = ui.db().collection('products');
  await products.doc('lg-tee').update({ 'skus.1.stock': 13 });
  await ui.open('#/ledger');
  const row = ui.page.locator('.ledger-row[data-product="lg-tee"][data-sku="lg-tee-m"]');
  await expect(row.locator('.ledger-document').textContent()).resolves.toBe('库存 13 · 预留 0 · 已售 0');
  await expect(row.locator('.ledger-sum').textContent()).resolves.toBe('库存 8 · 预留 0 · 已售 0');
  await expect(row.locator('.ledger-diff').textContent()).resolves.toBe('库存 +5');
  await expect(row.locator('a').first().textContent()).resolves.toBe('纯棉短袖');
  await expect(text('#ledger-problems [role="alert"]')).resolves.toBe('1 个 SKU 的数字与库存流水对不上：');
  expect(await ui.page.locator('#ledger-problems .steps li').allTextContents()).toHaveLength(4);
  await expect(text('#ledger-problems .steps li:nth-child(2)')).resolves.toContain('改回「流水合计」一栏的值');
  expect(await ui.page.locator('#ledger-ok').count()).toBe(0);
  await ui.shots('ledger-problem-zh');

  // Set back by hand, then the real arrival recorded as an adjustment: consistent again, stock as intended.
  await products.doc('lg-tee').update({ 'skus.1.stock': 8 });
  expect((await api('POST', 'products/lg-tee/stock', { skuId: 'lg-tee-m', delta: 5, reason: '到货' })).body).toMatchObject({ stock: 13 });
  await ui.open('#/ledger');
  await expect(text('#ledger-ok')).resolves.toContain('全部一致');
});

test('a product with an id the mini program cannot use: the rename dialog checks the rule, shows refusals, renames', async () => {
  // Added by hand in the database panel, as merchants did.
  await ui.db().collection('products').add(productDoc('summer tee 2024', [{ skuId: 'st-s', price: 5900, stock: 6 }], { title: '夏季T恤' }));
  await ui.open('#/products');
  await ui.page.check('#only-problems');
  const row = ui.page.locator('.product-row[data-id="summer tee 2024"]');
  await expect(row.locator('.problem[data-field="_id"]').count()).resolves.toBe(1);
  expect(await ui.page.locator('.product-row[data-id="demo-p01"] .rename-product').count()).toBe(0);
  await row.locator('.rename-product').click();
  const dialog = ui.page.locator('#rename-dialog');
  await dialog.waitFor();
  await expect(ui.page.inputValue('#rename-to')).resolves.toBe('summer-tee-2024');
  await expect(dialog.locator('h3').textContent()).resolves.toBe('修改商品编号');

  // The shared id rule, before anything is sent.
  await ui.page.fill('#rename-to', '红色');
  await expect(text('#rename-error')).resolves.toBe('新编号只能包含字母、数字、_ 或 -（1-64 位）');
  await expect(ui.page.isDisabled('#rename-submit')).resolves.toBe(true);
  await ui.shots('rename-dialog-invalid-zh', { fullPage: false });

  // The server's refusal: the id is taken.
  await ui.page.fill('#rename-to', 'demo-p01');
  await expect(ui.page.isDisabled('#rename-submit')).resolves.toBe(false);
  await ui.page.click('#rename-submit');
  await ui.page.waitForFunction(`document.querySelector('#rename-error')?.textContent !== ''`);
  await expect(text('#rename-error')).resolves.toBe('与已有数据冲突：新的商品编号已被使用');
  expect((await ui.db().collection('products').doc('summer tee 2024').get()).data).toHaveLength(1);

  await ui.page.fill('#rename-to', 'summer-tee-2024');
  await ui.page.click('#rename-submit');
  await ui.page.waitForSelector('#rename-dialog', { state: 'detached' });
  await ui.page.waitForSelector('.product-row[data-id="summer tee 2024"]', { state: 'detached' });
  expect((await ui.db().collection('products').doc('summer tee 2024').get()).data).toHaveLength(0);
  const renamed = (await ui.db().collection('products').doc('summer-tee-2024').get()).data[0];
  expect(renamed).toMatchObject({ title: '夏季T恤', renamedFrom: 'summer tee 2024', skus: [{ skuId: 'st-s', stock: 6 }] });
  // Buyable now: the storefront opens it.
  const got = await ui.cloud.invoke('catalog', { action: 'get', productId: 'summer-tee-2024' }, { openid: 'oSHOPPER' });
  expect(got.result).toMatchObject({ ok: true, data: { product: { _id: 'summer-tee-2024' } } });
  await ui.page.uncheck('#only-problems');
});

test('in English: the stock check and the rename dialog', async () => {
  await ui.db().collection('products').add(productDoc('红色', [{ skuId: 'red-s', price: 1000, stock: 1 }], { title: 'Red' }));
  await ui.db().collection('products').doc('lg-cap').update({ 'skus.0.sold': 2 });
  await ui.open('#/ledger');
  await ui.page.click('#lang-switch');
  await ui.page.waitForSelector('html[lang="en"] #view[data-loaded="#/ledger"]');
  await expect(text('#nav a[data-tab="ledger"]')).resolves.toBe('Stock check');
  await expect(text('#ledger-problems [role="alert"]')).resolves.toBe('1 SKU(s) do not match the stock ledger:');
  const row = ui.page.locator('.ledger-row[data-product="lg-cap"][data-sku="lg-cap-s"]');
  await expect(row.locator('.ledger-document').textContent()).resolves.toBe('stock 20 · reserved 0 · sold 2');
  await expect(row.locator('.ledger-diff').textContent()).resolves.toBe('sold +2');
  await expect(text('#ledger-hand-edits h3')).resolves.toBe('What is safe to edit by hand in the database panel');
  const visible: string = await ui.page.evaluate(`[...document.querySelectorAll('h2, h3, th, button:not(#lang-switch), .stat-label, .muted, li, p')].map((el) => [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('')).join('|')`);
  expect(visible.match(/\p{Script=Han}+/gu) ?? []).toEqual([]);
  await ui.shots('ledger-problem-en');

  await ui.open('#/products');
  await ui.page.locator('.product-row[data-id="红色"] .rename-product').click();
  await ui.page.locator('#rename-dialog').waitFor();
  // Nothing of 红色 survives the rule's replacement: the merchant types the new id.
  await expect(ui.page.inputValue('#rename-to')).resolves.toBe('');
  await expect(ui.page.isDisabled('#rename-submit')).resolves.toBe(true);
  await expect(text('#rename-dialog h3')).resolves.toBe('New product id');
  await ui.page.fill('#rename-to', 'red tee');
  await expect(text('#rename-error')).resolves.toBe('A product id is 1-64 letters, digits, _ or -');
  await ui.page.fill('#rename-to', 'red-tee');
  await ui.shots('rename-dialog-en', { fullPage: false });
  await ui.page.click('#rename-submit');
  await ui.page.waitForSelector('#rename-dialog', { state: 'detached' });
  await ui.page.waitForSelector('.product-row[data-id="red-tee"]');
  await ui.page.click('#lang-switch');
  await ui.page.waitForSelector('html[lang="zh-CN"] #view[data-loaded]');
});
