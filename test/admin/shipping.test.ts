/**
 * `npm run admin -- shipping`: the merchant reads and sets the shipping fee template (config/shipping)
 * on the local cloud, and the orders function prices with what was set.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCloud } from '../helpers/cloud';
import { ensureCollections, productDoc, seed } from '../support';
import { runCli } from './run-cli';

jest.setTimeout(120_000);

const cloud = useCloud({ functionsDir: 'cloudfunctions' });
const dir = mkdtempSync(join(tmpdir(), 'admin-shipping-'));
const at = () => ['--cloud', cloud.url];

beforeAll(async () => {
  await ensureCollections(cloud);
  await seed(cloud, 'products', [productDoc('ship-p', [{ skuId: 'std', price: 3000, stock: 10 }])]);
});

test('shows the default, sets a template from a file, and the server prices with it', async () => {
  const before = await runCli(['shipping', ...at()]);
  expect(before.code).toBe(0);
  expect(before.stdout).toContain('(default) 默认运费 ¥8.00\n满 ¥99.00 包邮');

  const file = join(dir, 'template.json');
  writeFileSync(file, JSON.stringify({ defaultFee: 600, freeFrom: 15000, regions: [{ provinces: ['新疆', '西藏'], fee: 2000 }] }));
  const set = await runCli(['shipping', '--set', file, ...at()]);
  expect(set.code).toBe(0);
  expect(set.stdout).toContain('shipping template saved\n默认运费 ¥6.00\n满 ¥150.00 包邮\n新疆、西藏：¥20.00');

  const after = await runCli(['shipping', ...at()]);
  expect(after.stdout).toContain('默认运费 ¥6.00');
  expect(after.stdout).not.toContain('(default)');
  const quote = await cloud.invoke('orders', { action: 'quote', lines: [{ productId: 'ship-p', skuId: 'std', qty: 1 }], province: '新疆维吾尔自治区' }, { openid: 'oSHIP' });
  expect(quote.result).toMatchObject({ ok: true, data: { shippingFee: 2000, total: 5000, freeShippingFrom: 15000 } });
});

test('an invalid file is refused with its problems and writes nothing', async () => {
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ defaultFee: 8.5, regions: [{ provinces: ['广东'], fee: -1 }] }));
  const before = await cloud.node().database().collection('config').where({ _id: 'shipping' }).get();
  const r = await runCli(['shipping', '--set', file, ...at()]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('defaultFee 应为 0 到 100000 之间的整数（分）');
  expect(r.stderr).toContain('regions[0].fee 应为 0 到 100000 之间的整数（分）');
  const after = await cloud.node().database().collection('config').where({ _id: 'shipping' }).get();
  expect(after.data).toEqual(before.data);
  const missing = await runCli(['shipping', '--set', join(dir, 'nope.json'), ...at()]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('无法读取');
});
