/**
 * The console's database panel in headless Chromium: collections, documents, JSON filter, add / edit
 * raw JSON / delete; and a raw edit that breaks a product, which the products view and the storefront
 * (catalog.get, inventory.check, through the real cloud functions) then report.
 */
import { useConsole } from './harness';

jest.setTimeout(120_000);

const ui = useConsole({ lang: 'en' });

test('collections are listed and a collection shows its documents', async () => {
  await ui.open('#/db/products');
  const names = await ui.page.locator('.collection-item').allTextContents();
  expect(names).toEqual(expect.arrayContaining(['products', 'categories', 'orders']));
  await expect(ui.page.locator('.collection-item[data-name="products"]').getAttribute('aria-current')).resolves.toBe('true');
  await expect(ui.page.locator('#doc-count').textContent()).resolves.toMatch(/^41 document\(s\), showing 1-20/);
  expect(await ui.page.locator('#docs .doc').count()).toBe(20);
  await ui.page.click('#next-page');
  await ui.page.waitForFunction(`document.querySelector('#doc-count').textContent.includes('showing 21-40')`);
});

test('a JSON query filters the documents; a malformed one is explained', async () => {
  await ui.open('#/db/products');
  await ui.page.fill('#filter', '{"categoryId": "c-food", "price": {"$lt": 5000}}');
  await ui.page.click('#apply-filter');
  await ui.page.waitForFunction(`document.querySelector('#doc-count').textContent.startsWith('4 document')`);
  const docs = (await ui.page.locator('#docs .doc-json').allTextContents()).map((t) => JSON.parse(t));
  expect(docs.map((d) => d._id).sort()).toEqual(['demo-p23', 'demo-p25', 'demo-p27', 'demo-p28']);
  expect(docs.every((d) => d.categoryId === 'c-food' && d.price < 5000)).toBe(true);

  await ui.page.fill('#filter', '{"categoryId": ');
  await ui.page.click('#apply-filter');
  await ui.page.waitForSelector('#docs-error:has-text("the filter is not valid JSON")');
  expect(await ui.page.locator('#docs .doc').count()).toBe(0);
});

test('add a collection, then add, edit and delete a document', async () => {
  await ui.open('#/db/products');
  await ui.page.fill('#new-collection-name', 'merchant_notes');
  await ui.page.click('#add-collection');
  await ui.page.waitForSelector('#view[data-loaded="#/db/merchant_notes"]');
  await expect(ui.page.locator('#doc-count').textContent()).resolves.toBe('0 document(s)');

  await ui.page.click('#add-doc');
  await ui.page.fill('#doc-json', '{"_id": "note-1", "text": "补货：T恤白色 M", "due": {"$date": "2026-03-01T00:00:00.000Z"}, "qty": 12}');
  await ui.page.click('#save-doc');
  await ui.page.waitForSelector('#docs .doc[data-id="note-1"]');
  const stored = (await ui.db().collection('merchant_notes').doc('note-1').get()).data[0];
  expect(stored).toEqual({ _id: 'note-1', text: '补货：T恤白色 M', due: new Date('2026-03-01T00:00:00.000Z'), qty: 12 });

  await ui.page.click('.doc[data-id="note-1"] .edit-doc');
  const shown = JSON.parse(await ui.page.inputValue('#doc-json'));
  expect(shown).toEqual({ _id: 'note-1', text: '补货：T恤白色 M', due: { $date: '2026-03-01T00:00:00Z' }, qty: 12 });
  await ui.page.fill('#doc-json', JSON.stringify({ ...shown, qty: 20, done: false }));
  await ui.page.click('#save-doc');
  await ui.page.waitForSelector('.doc[data-id="note-1"] .doc-json:has-text("\\"qty\\": 20")');
  const edited = (await ui.db().collection('merchant_notes').doc('note-1').get()).data[0];
  expect(edited).toEqual({ _id: 'note-1', text: '补货：T恤白色 M', due: new Date('2026-03-01T00:00:00.000Z'), qty: 20, done: false });

  await ui.page.click('.doc[data-id="note-1"] .edit-doc');
  await ui.page.fill('#doc-json', '{"qty": 21,');
  await ui.page.click('#save-doc');
  await ui.page.waitForSelector('#doc-error:has-text("Not valid JSON")');
  await ui.page.click('#cancel-doc');

  await ui.page.click('.doc[data-id="note-1"] .delete-doc');
  await ui.page.waitForSelector('.doc[data-id="note-1"]', { state: 'detached' });
  expect((await ui.db().collection('merchant_notes').doc('note-1').get()).data).toHaveLength(0);
});

test('a raw edit (price as the text "12.50") is flagged by the products view and reported by the storefront', async () => {
  await ui.open('#/products');
  await expect(ui.page.locator('.product-row[data-id="demo-p01"] .problems').textContent()).resolves.toBe('OK');
  await ui.page.click('.product-row[data-id="demo-p01"] .raw-product');
  await ui.page.waitForSelector('#view[data-loaded="#/db/products"]');
  await ui.page.waitForSelector('#doc-editor:not([hidden])');
  const doc = JSON.parse(await ui.page.inputValue('#doc-json'));
  expect(doc._id).toBe('demo-p01');
  doc.skus[0].price = '12.50';
  await ui.page.fill('#doc-json', JSON.stringify(doc, null, 2));
  await ui.page.click('#save-doc');
  await ui.page.waitForSelector('#doc-editor', { state: 'hidden' });
  const stored = (await ui.db().collection('products').doc('demo-p01').get()).data[0];
  expect(stored.skus[0].price).toBe('12.50');
  expect(stored.skus[1].price).toBe(5900);

  await ui.open('#/products');
  const row = ui.page.locator('.product-row[data-id="demo-p01"]');
  await expect(row.getAttribute('class')).resolves.toContain('has-problems');
  await expect(row.locator('.problem[data-field="skus[0].price"]').textContent()).resolves.toBe('skus[0].price: must be a number in fen, got the text "12.50" (for ¥12.50 write 1250)');
  await expect(ui.page.locator('#problem-count').textContent()).resolves.toBe('1 with problems');
  await ui.page.check('#only-problems');
  expect(await ui.page.locator('.product-row').count()).toBe(1);

  // The storefront, through the real cloud functions, as a shopper.
  const got = await ui.cloud.invoke('catalog', { action: 'get', productId: 'demo-p01' }, { openid: 'oSHOPPER' });
  expect(got.result.ok).toBe(false);
  expect(got.result.error.details.problems).toContainEqual({ field: 'skus[0].price', problem: 'must be a number in fen, got the text "12.50" (for ¥12.50 write 1250)' });
  const checked = await ui.cloud.invoke('inventory', { action: 'check', lines: [{ productId: 'demo-p01', skuId: 'demo-p01-s2', qty: 1 }] }, { openid: 'oSHOPPER' });
  expect(checked.result.ok).toBe(true);
  expect(checked.result.data.lines[0].problems.map((p: { code: string }) => p.code)).toContain('INVALID_PRODUCT');
  const listed = await ui.cloud.invoke('catalog', { action: 'list', categoryId: 'c-apparel', pageSize: 50 }, { openid: 'oSHOPPER' });
  expect(listed.result.ok).toBe(true);
  expect(listed.result.data.items.map((i: { _id: string }) => i._id)).not.toContain('demo-p01');
  expect(listed.result.data.items.map((i: { _id: string }) => i._id)).toContain('demo-p02');

  // ... and the function logs in the console show the storefront's report.
  await ui.open('#/logs');
  await ui.page.fill('#log-function', 'catalog');
  await ui.page.click('#refresh-logs');
  // The page first shows every function's logs; wait for the filtered list to replace them.
  await ui.page.waitForFunction(`(() => {
    const names = [...document.querySelectorAll('#logs-table .log-function')].map((el) => el.textContent);
    return names.length >= 2 && names.every((name) => name === 'catalog');
  })()`);
  const functions = await ui.page.locator('#logs-table .log-function').allTextContents();
  expect(new Set(functions)).toEqual(new Set(['catalog']));
  const details = (await ui.page.locator('#logs-table .log-detail').allTextContents()).join('\n');
  expect(details).toContain('demo-p01 left out');
  expect(details).toContain('skus[0].price');
});
