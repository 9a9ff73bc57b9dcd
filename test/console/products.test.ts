/**
 * The console's products view, product editor and stock adjustments in headless Chromium. The editor
 * refuses an invalid product with the normalizer's exact reasons and writes nothing.
 */
import { PNG } from 'pngjs';
import { normalizeProduct } from '../../miniprogram/domain/normalize';
import { useConsole } from './harness';

jest.setTimeout(120_000);

const ui = useConsole({ lang: 'en' });

async function stored(id: string): Promise<Record<string, any> | undefined> {
  return (await ui.db().collection('products').doc(id).get()).data[0];
}

/** Opens a product in the editor, types into its fields (selector → text) and presses Save. */
async function editAndSave(id: string, fields: Record<string, string>): Promise<void> {
  await ui.open(`#/products/edit/${id}`);
  for (const [selector, text] of Object.entries(fields)) await ui.page.fill(selector, text);
  await ui.page.click('#p-save');
}

test('the products view lists every product with its price and stock', async () => {
  await ui.open('#/products');
  expect(await ui.page.locator('.product-row').count()).toBe(41);
  await expect(ui.page.locator('#problem-count').textContent()).resolves.toBe('0 with problems');
  const row = ui.page.locator('.product-row[data-id="demo-p02"]');
  await expect(row.locator('.product-title').textContent()).resolves.toBe('重磅加绒连帽卫衣');
  await expect(row.locator('.product-price').textContent()).resolves.toBe('¥169.00');
  const doc = (await stored('demo-p02'))!;
  await expect(row.locator('.product-stock').textContent()).resolves.toBe(String(doc.skus.reduce((n: number, s: { stock: number }) => n + s.stock, 0)));
});

test('unknown fields are shown as warnings; the product stays valid', async () => {
  await ui.db().collection('products').doc('demo-p06').update({ legacyCode: 'X-001' });
  await ui.open('#/products');
  const row = ui.page.locator('.product-row[data-id="demo-p06"]');
  await expect(row.getAttribute('class')).resolves.not.toContain('has-problems');
  await expect(row.locator('.ok-badge').textContent()).resolves.toBe('OK');
  await expect(row.locator('.warning').allTextContents()).resolves.toEqual(['legacyCode: unknown field, ignored']);
});

test('an invalid save is refused with the exact reasons, and nothing is written', async () => {
  const before = await stored('demo-p02');
  await editAndSave('demo-p02', { '#p-title': '   ', '.sku-row[data-index="0"] .sku-price': '12.505', '.sku-row[data-index="1"] .sku-stock': '-3' });
  await ui.page.waitForSelector('#p-errors .save-problem');
  await expect(ui.page.locator('#p-error-summary').textContent()).resolves.toBe('Not saved: the product is invalid.');
  const problems = await ui.page.locator('#p-errors .save-problem').allTextContents();
  expect(problems).toEqual([
    'title: is required (non-empty text), got the text "   "',
    'skus[0].price: must be a number in fen, got the text "12.505"',
    'skus[1].stock: must be a whole number from 0 to 1000000, got the text "-3"',
  ]);
  await expect(ui.page.locator('#p-saved').textContent()).resolves.toBe('');
  expect(await stored('demo-p02')).toEqual(before);
});

test('a valid edit is saved: yuan parsed exactly to fen, the listing price follows the lowest SKU', async () => {
  await editAndSave('demo-p04', { '#p-title': '冰丝垂感阔腿休闲裤 2026 新款', '.sku-row[data-index="2"] .sku-price': '¥88.8', '.sku-row[data-index="2"] .sku-original': '0.29' });
  await ui.page.waitForSelector('#p-saved:has-text("Saved demo-p04")');
  await expect(ui.page.locator('#p-saved').textContent()).resolves.toBe('Saved demo-p04 (price ¥88.80)');
  const doc = (await stored('demo-p04'))!;
  expect(doc.title).toBe('冰丝垂感阔腿休闲裤 2026 新款');
  expect(doc.skus[2]).toMatchObject({ price: 8880, originalPrice: 29 });
  expect(doc.price).toBe(8880);
  expect(doc.createdAt).toBeLessThan(doc.updatedAt);
  expect(normalizeProduct(doc).ok).toBe(true);
});

test('a new product with specs, generated SKUs and an uploaded image', async () => {
  await ui.open('#/products');
  await ui.page.click('#new-product');
  await ui.page.waitForSelector('#view[data-loaded="#/products/new"]');
  await ui.page.fill('#p-id', 'new-scarf');
  await ui.page.fill('#p-title', '羊绒围巾');
  await ui.page.selectOption('#p-category', 'c-apparel');
  await ui.page.click('#p-add-spec');
  await ui.page.fill('.spec-row >> nth=0 >> .spec-name', '颜色');
  await ui.page.fill('.spec-row >> nth=0 >> .spec-values', '驼色，灰色, 藏青');
  await ui.page.click('#p-generate-skus');
  expect(await ui.page.locator('.sku-row').count()).toBe(3);
  await expect(ui.page.locator('.sku-row[data-index="1"] .sku-spec').textContent()).resolves.toBe('灰色');
  for (const [i, price] of ['199', '199.00', '219.5'].entries()) {
    await ui.page.fill(`.sku-row[data-index="${i}"] .sku-price`, price);
    await ui.page.fill(`.sku-row[data-index="${i}"] .sku-stock`, String(10 + i));
  }
  // Saving without an image is refused...
  await ui.page.click('#p-save');
  await ui.page.waitForSelector('#p-errors .save-problem');
  await expect(ui.page.locator('#p-errors .save-problem').allTextContents()).resolves.toEqual(['images: needs at least one image URL or fileID, got a list of 0']);
  expect(await stored('new-scarf')).toBeUndefined();

  // ... so upload one to storage.
  const png = new PNG({ width: 4, height: 4 });
  png.data.fill(200);
  await ui.page.setInputFiles('#p-image-file', { name: 'scarf.png', mimeType: 'image/png', buffer: PNG.sync.write(png) });
  await ui.page.waitForSelector('#p-images .image-item');
  const src = await ui.page.locator('#p-images .image-item').getAttribute('data-src');
  expect(src).toMatch(/^cloud:\/\/.+\/products\/new-scarf\/.+-scarf\.png$/);
  await ui.page.waitForFunction(`document.querySelector('#p-images img').naturalWidth === 4`);

  await ui.page.click('#p-save');
  await ui.page.waitForSelector('#p-saved:has-text("Saved new-scarf")');
  const doc = (await stored('new-scarf'))!;
  expect(doc).toMatchObject({
    title: '羊绒围巾',
    categoryId: 'c-apparel',
    status: 'on_shelf',
    images: [src],
    specs: [{ name: '颜色', values: ['驼色', '灰色', '藏青'] }],
    price: 19900,
    skus: [
      { skuId: 'new-scarf-s1', specValues: ['驼色'], price: 19900, stock: 10 },
      { skuId: 'new-scarf-s2', specValues: ['灰色'], price: 19900, stock: 11 },
      { skuId: 'new-scarf-s3', specValues: ['藏青'], price: 21950, stock: 12 },
    ],
  });
  const file = await ui.cloud.node().downloadFile({ fileID: src });
  expect(PNG.sync.read(file.fileContent).width).toBe(4);
  // Already smaller than a card: no thumbnail is recorded, the card shows the image (admin/thumbnails.ts).
  expect(doc.thumbs).toBeUndefined();

  await ui.open('#/products');
  await expect(ui.page.locator('.product-row[data-id="new-scarf"] .problems').textContent()).resolves.toBe('OK');
});

test('stock adjustments are atomic increments that never go below 0', async () => {
  await ui.open('#/products');
  await ui.page.click('.product-row[data-id="demo-p03"] .stock-product');
  const initial = (await stored('demo-p03'))!;
  const start = initial.skus[1].stock as number;
  const row = ui.page.locator('#stock-panel .stock-row[data-sku="demo-p03-s2"]');
  await expect(row.locator('.stock-value').textContent()).resolves.toBe(String(start));

  await row.locator('.stock-delta').fill(String(-(start + 1)));
  await row.locator('.stock-apply').click();
  await ui.page.waitForSelector(`#stock-error:has-text("cannot take ${start + 1}: stock would go below 0")`);
  expect((await stored('demo-p03'))!.skus[1].stock).toBe(start);

  await row.locator('.stock-delta').fill('5');
  await row.locator('.stock-apply').click();
  await ui.page.waitForFunction(`document.querySelector('.stock-row[data-sku="demo-p03-s2"] .stock-value').textContent === '${start + 5}'`);
  expect((await stored('demo-p03'))!.skus[1].stock).toBe(start + 5);

  await row.locator('.stock-delta').fill(String(-(start + 5)));
  await row.locator('.stock-apply').click();
  await ui.page.waitForFunction(`document.querySelector('.stock-row[data-sku="demo-p03-s2"] .stock-value').textContent === '0'`);
  const after = (await stored('demo-p03'))!;
  expect(after.skus[1].stock).toBe(0);
  expect(after.skus[0].stock).toBe(initial.skus[0].stock);

  // Concurrent takes of the last units: exactly the stock is taken, never more.
  await row.locator('.stock-delta').fill('3');
  await row.locator('.stock-apply').click();
  await ui.page.waitForFunction(`document.querySelector('.stock-row[data-sku="demo-p03-s2"] .stock-value').textContent === '3'`);
  const results: number[] = await ui.page.evaluate(`Promise.all(Array.from({ length: 8 }, () =>
    fetch('api/products/demo-p03/stock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ skuId: 'demo-p03-s2', delta: -1 }) }).then((r) => r.status)))`);
  expect(results.filter((s) => s === 200)).toHaveLength(3);
  expect(results.filter((s) => s === 409)).toHaveLength(5);
  expect((await stored('demo-p03'))!.skus[1].stock).toBe(0);
});
