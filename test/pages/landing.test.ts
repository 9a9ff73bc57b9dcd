// QR entry: the landing page resolves codes; every linkable page forwards a raw code to it.
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { cloudOf, fail, ok, storedAttribution, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

describe('landing (QR entry)', () => {
  test('mini program code: URL-encoded scene resolved, attribution recorded, redirected to the target', async () => {
    const fake = installWx(
      cloudOf({
        'scenes.resolve': (req) =>
          req.scene === 's=k7Hx2Q9a' ? ok({ target: { page: 'pages-shop/product/index', query: { id: 'p1' } }, attribution: { campaign: 'dbl11', channel: 'poster', store: 'sh01' } }) : fail('NOT_FOUND'),
      }),
    );
    fake.enterOptions = { scene: 1047, path: 'pages/landing/index', query: { scene: 's%3Dk7Hx2Q9a' } };
    renderPage('landing', fake, { scene: 's%3Dk7Hx2Q9a' });
    await settle(5);
    expect(fake.navigations).toEqual([{ api: 'redirectTo', url: '/pages-shop/product/index?id=p1' }]);
    expect(storedAttribution(fake)).toEqual({ campaign: 'dbl11', channel: 'poster', store: 'sh01', sceneCode: 's=k7Hx2Q9a', launchScene: 1047 });
  });

  test('plain QR code (1011): the scene comes from the q URL; a tab target uses switchTab', async () => {
    const fake = installWx(cloudOf({ 'scenes.resolve': (req) => (req.scene === 's=abc123' ? ok({ target: { page: 'pages/catalog/index', query: {} }, attribution: {} }) : fail('NOT_FOUND')) }));
    renderPage('landing', fake, { q: encodeURIComponent('https://shop.example.com/qr?scene=s%3Dabc123') });
    await settle(5);
    expect(fake.navigations).toEqual([{ api: 'switchTab', url: '/pages/catalog/index' }]);
  });

  test('unknown or expired code: a friendly page with a way home, not a blank one', async () => {
    const fake = installWx(cloudOf({ 'scenes.resolve': () => fail('NOT_FOUND', 'no such scene') }));
    const page = renderPage('landing', fake, { scene: 's%3Dexpired1' });
    await settle(5);
    expect(page.instance.data.status).toBe('invalid');
    expect(text(page.querySelector('#landing-invalid'))).toContain('二维码已失效');
    page.querySelector('#landing-home')!.dispatchEvent('tap');
    await settle();
    expect(fake.navigations.pop()).toEqual({ api: 'switchTab', url: '/pages/catalog/index' });
  });

  test('an unreadable scene never reaches the cloud; a network failure offers retry', async () => {
    const fake = installWx(cloudOf({}));
    const page = renderPage('landing', fake, { scene: '%E4%BD%A0' });
    await settle(3);
    expect(page.instance.data.status).toBe('invalid');
    expect(fake.calls).toEqual([]);
    const down = installWx(() => {
      throw new Error('offline');
    });
    const p2 = renderPage('landing', down, { scene: 's%3Dabc' });
    await settle(5);
    expect(p2.instance.data.status).toBe('error');
  });
});

test('scenes.create codes open their target page directly: every linkable page forwards a raw code', async () => {
  for (const page of ['product', 'cart', 'orders', 'order-detail']) {
    const fake = installWx(cloudOf({}));
    renderPage(page, fake, { scene: 's%3Dk7Hx2Q9a' });
    await settle();
    expect(fake.navigations[0]).toEqual({ api: 'reLaunch', url: '/pages/landing/index?scene=s%3Dk7Hx2Q9a' });
  }
});
