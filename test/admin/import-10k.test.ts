/**
 * Importing 10,000 products from JSON Lines against the local cloud. The time is printed (the issue's
 * target is ≤ 10 s); only the result is asserted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCloud } from '../helpers/cloud';
import { runCli } from './run-cli';

jest.setTimeout(180_000);

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

test('10,000 products in one import', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'admin-10k-')), 'products.csv');
  const rows = ['_id,title,categoryId,images,spec:颜色,spec:尺码,price,stock'];
  for (let i = 0; i < 10_000; i += 1) {
    for (const colour of ['黑', '白']) {
      for (const size of ['M', 'L']) rows.push(`bulk-${i},批量商品 ${i},c-home,https://example.invalid/${i}.png,${colour},${size},${(10 + (i % 90)).toFixed(2)},${i % 7}`);
    }
  }
  writeFileSync(file, rows.join('\n'));
  const started = Date.now();
  const r = await runCli(['import', file, '--cloud', cloud.url]);
  const wall = (Date.now() - started) / 1000;
  expect(r.code).toBe(0);
  const printed = /imported 10000 products \(10000 new, 0 replaced\) in ([\d.]+) s/.exec(r.stdout);
  expect(printed).not.toBeNull();
  // eslint-disable-next-line no-console
  console.log(`10,000-product import: ${printed![1]} s reported by the CLI (${wall.toFixed(1)} s including process start)`);
  const db = cloud.node().database();
  expect((await db.collection('products').count()).total).toBe(10_000);
  const { data } = await db.collection('products').doc('bulk-9999').get();
  expect(data[0]).toMatchObject({ title: '批量商品 9999', price: 1900, skus: [{ specValues: ['黑', 'M'] }, {}, {}, {}] });
});
