/**
 * Page paths printed on QR codes and shared in cards before the product and order detail pages moved
 * into subpackages: each still opens its page, with the query the code or card carried
 * (miniprogram/utils/routes.ts MOVED_PAGES; a forwarder page stays at each old path).
 */
import { decodeQrPng } from '../../simulator/qr';
import { MOVED_PAGES } from '../../miniprogram/utils/routes';
import { pid, textOf, useShop } from './harness';

const shop = useShop();

test('every moved page has a forwarder at its old path, listed in app.json', async () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const app = require('../../miniprogram/app.json') as { pages: string[] };
  for (const old of Object.keys(MOVED_PAGES)) expect(app.pages).toContain(old);
});

test('a share card with the old product path opens the product, with id and ref', async () => {
  const id = pid('tee');
  const page = await shop().relaunch({ scene: 1007, path: 'pages/product/index', query: { id, ref: 'Friend9' } });
  expect(page.path).toBe(MOVED_PAGES['pages/product/index']);
  expect(page.query).toEqual({ id, ref: 'Friend9' });
  expect(await textOf(page, '#product-title')).toBe('纯棉T恤');
  // the forwarder replaced itself: the shopper is not left with a blank page to go back to
  expect((await shop().mp.pageStack()).map((p) => p.path)).toEqual([MOVED_PAGES['pages/product/index']]);
});

test('a mini program code printed for the old product path still lands on the product', async () => {
  const id = pid('tee');
  const created = await shop().invoke('scenes', { action: 'create', target: { page: 'pages/product/index', query: { id } }, campaign: 'old-poster' }, 'o_merchant');
  expect(created.ok).toBe(true);
  const payload = decodeQrPng(await shop().downloadFile(created.data.fileID));
  expect(payload.page).toBe('pages/product/index');
  const page = await shop().scanQr(payload);
  expect(page.path).toBe(MOVED_PAGES['pages/product/index']);
  expect(page.query).toMatchObject({ id });
  expect(await textOf(page, '#product-title')).toBe('纯棉T恤');
});

test('an order detail link with the old path opens the order detail with its id', async () => {
  const page = await shop().relaunch({ scene: 1001, path: 'pages/order-detail/index', query: { id: 'o_not_mine' } });
  expect(page.path).toBe(MOVED_PAGES['pages/order-detail/index']);
  expect(page.query).toEqual({ id: 'o_not_mine' });
});
