/**
 * A server that never answers one list (a local cloud that hangs) must not freeze the console: the
 * merchant can go on to another section at once, and a section left waiting says in Chinese that the
 * server did not answer, with a retry, once its read times out. Screenshots at 375 and 1366 px.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { artifactsDir } from '../support/artifacts';
import { useConsole } from './harness';

jest.setTimeout(120_000);

// Reads wait "forever" (10 minutes, past every wait below) unless a test shortens it.
const ui = useConsole({ timeouts: { readMs: 600_000 }, neverAnswer: /\/console\/api\/orders(\?|$)/ });

const go = (hash: string) => ui.page.evaluate(`location.hash = ${JSON.stringify(hash)}`);

test('leaving a section whose list never answers: the next section draws without waiting for it', async () => {
  const page = ui.page;
  expect(await page.evaluate('document.documentElement.dataset.readTimeoutMs')).toBe('600000');
  await ui.open('#/products');
  const asked = page.waitForRequest(/\/console\/api\/orders(\?|$)/);
  await go('#/orders');
  await asked;
  await go('#/products');
  await page.waitForSelector('#view[data-loaded="#/products"]');
  expect(await page.locator('#product-count').count()).toBe(1);
  expect(await page.locator('#page-error').count()).toBe(0);
});

test('staying on it: after the read timeout a Chinese error with a retry, and later sections still open', async () => {
  const page = ui.page;
  // as createConsole({timeouts: {readMs: 2000}}) would have written it
  await page.evaluate(`document.documentElement.dataset.readTimeoutMs = '2000'`);
  await go('#/orders');
  await page.waitForSelector('#view[data-loaded="#/orders"] #page-error');
  expect((await page.locator('#page-error p').textContent())?.trim()).toBe('加载失败：服务器 2 秒内没有响应，请检查本地云是否在运行，然后重试');
  expect((await page.locator('#page-retry').textContent())?.trim()).toBe('重试');
  const dir = artifactsDir('console');
  mkdirSync(dir, { recursive: true });
  for (const width of [375, 1366]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 768 });
    await page.screenshot({ path: path.join(dir, `orders-no-answer-${width}.png`) });
  }
  // the retry asks again (and is told the same)
  const again = page.waitForRequest(/\/console\/api\/orders(\?|$)/);
  await page.click('#page-retry');
  await again;
  await page.waitForSelector('#view[data-loaded="#/orders"] #page-error');
  await ui.open('#/products');
  expect(await page.locator('#product-count').count()).toBe(1);
});
