// Page/Element method groups on the home page: selectors, text, attributes, properties, WXML,
// taps with bubbling, input, trigger, touches, custom component data and methods.
import automator from 'miniprogram-automator';
import { current, custom, field, idOf, useFixture } from './helpers';

const s = useFixture();

async function home() {
  // callWxMethod instead of mp.reLaunch: the client's helper sleeps 3 s per navigation.
  await s.mp.callWxMethod('reLaunch', { url: '/pages/index/index' });
  return current(s.mp);
}

describe('selectors', () => {
  beforeAll(async () => {
    await s.mp.callWxMethod('reLaunch', { url: '/pages/index/index' });
  });

  test('tag, class, id, attribute, descendant, child and lists', async () => {
    const page = await current(s.mp);
    expect(page.path).toBe('pages/index/index');
    expect((await page.$$('.item')).length).toBe(2);
    expect(await (await page.$('#title'))?.text()).toBe('Home taps=0');
    expect((await page.$('text.title'))?.tagName).toBe('text');
    expect(await (await page.$('[data-id=p2] .name'))?.text()).toBe('Bowl');
    expect(await (await page.$('[data-id="p1"] > .name'))?.text()).toBe('Cup');
    expect((await page.$$('.list > .item > .name')).length).toBe(2);
    expect((await page.$$('.name, .keyword')).length).toBe(3);
    expect((await page.$$('.item price-tag')).length).toBe(2);
    expect((await page.$$('price-tag')).length).toBe(3);
    expect(await page.$('.no-such-thing')).toBeNull();
  });

  test('page.$ does not pierce custom components; element.$ searches the shadow tree', async () => {
    const page = await current(s.mp);
    expect(await page.$('.counter-value')).toBeNull();
    const counter = await page.$('counter');
    expect(counter?.constructor.name).toBe('CustomElement');
    expect(await (await counter!.$('.counter-value'))?.text()).toBe('0');
    // slotted content belongs to the page's tree
    expect(await (await page.$('.slotted'))?.text()).toBe('slot content');
  });

  test('elements are stable and typed by tag', async () => {
    const page = await current(s.mp);
    const a = await page.$('input');
    const b = await page.$('.search');
    expect(idOf(a)).toBe(idOf(b));
    expect(a?.constructor.name).toBe('InputElement');
  });
});

describe('reading', () => {
  test('text() is layout-aware innerText and excludes hidden content', async () => {
    const page = await home();
    const item = await page.$('.item');
    expect(await item!.text()).toBe('Cup¥5.00');
    const root = await page.$('.page');
    const text = await root!.text();
    expect(text).not.toContain('secret text');
    expect(text).not.toContain('¥9.99'); // hidden custom component host
    expect(text.split('\n')[0]).toBe('Home taps=0');
    await page.setData({ showSecret: true });
    expect(await root!.text()).toContain('secret text');
    expect(await root!.text()).toContain('¥9.99');
    expect(await (await page.$('.conditional'))!.text()).toBe('conditional');
  });

  test('attribute() returns original class names, ids and data attributes', async () => {
    const page = await home();
    const item = await page.$('.item');
    expect(await item!.attribute('class')).toBe('item');
    expect(await item!.attribute('data-id')).toBe('p1');
    expect(await (await page.$('.title'))!.attribute('id')).toBe('title');
    const counterValue = await (await page.$('counter'))!.$('.counter-value');
    expect(await counterValue!.attribute('class')).toBe('counter-value');
  });

  test('property() and value() read public properties; unknown ones throw the client error', async () => {
    const page = await home();
    const input = await page.$('input');
    expect(await input!.property('placeholder')).toBe('Search');
    expect(await input!.value()).toBe('');
    await expect(input!.property('nope')).rejects.toThrow('input.nope not exists');
    const counter = await page.$('counter');
    expect(await counter!.property('label')).toBe('Clicks');
  });

  test('wxml() and outerWxml() give WXML with original tags and classes', async () => {
    const page = await home();
    const item = await page.$('.item');
    expect(await item!.outerWxml()).toBe('<view class="item" data-id="p1"><text class="name">Cup</text><price-tag cents="500"><text class="price">¥5.00</text></price-tag></view>');
    expect(await (await page.$('.name'))!.wxml()).toBe('Cup');
  });
});

describe('interaction', () => {
  test('tap runs the handler and replies after the re-render', async () => {
    const page = await home();
    const title = await page.$('.title');
    await title!.tap();
    await title!.tap();
    expect(await title!.text()).toBe('Home taps=2');
    expect(await page.data('taps')).toBe(2);
  });

  test('tap bubbles with currentTarget.dataset and navigates', async () => {
    const page = await home();
    const name = await page.$('[data-id=p2] .name');
    await name!.tap();
    const detail = await current(s.mp);
    expect(detail.path).toBe('pages/detail/detail');
    expect(detail.query).toEqual({ id: 'p2' });
    expect(await detail.data('id')).toBe('p2');
  });

  test('input() sets the value and fires input', async () => {
    const page = await home();
    const input = await page.$('input');
    await field(input).input('tea');
    expect(await (await page.$('.keyword'))!.text()).toBe('kw:tea');
    expect(await input!.value()).toBe('tea');
  });

  test('custom component: tap inside, triggerEvent to the page, data/setData/callMethod', async () => {
    const page = await home();
    const counter = custom(await page.$('counter'));
    await (await counter.$('.counter'))!.tap();
    expect(await (await page.$('.child-clicks'))!.text()).toBe('child=2');
    expect(await counter.data('clicks')).toBe(2);
    expect(await counter.data('doubled')).toBe(4);
    expect(await counter.data('attachedBy')).toBe('behavior');
    expect(await counter.data('ready')).toBe(true);
    expect(await counter.data('pageShows')).toBe(1);
    await counter.setData({ clicks: 10 });
    expect(await (await counter!.$('.counter-value'))!.text()).toBe('10');
    expect(await counter.callMethod('reset', 3)).toBe('reset:3');
    expect(await counter.data('clicks')).toBe(3);
    await expect(counter.callMethod('nope')).rejects.toThrow('component.nope not exists');
  });

  test('trigger() calls handlers only', async () => {
    await s.mp.callWxMethod('reLaunch', { url: '/pages/widgets/widgets' });
    const page = await current(s.mp);
    const pad = await page.$('.touchpad');
    await pad!.trigger('custom', { n: 7 });
    expect(await (await page.$('.custom'))!.text()).toBe('custom=7');
  });

  test('touchstart/touchend deliver touches; longpress fires after 350 ms', async () => {
    await s.mp.callWxMethod('reLaunch', { url: '/pages/widgets/widgets' });
    const page = await current(s.mp);
    const pad = await page.$('.touchpad');
    const t = { identifier: 0, pageX: 12, pageY: 5, clientX: 12, clientY: 5 };
    await pad!.touchstart({ touches: [t], changeTouches: [t] });
    expect(await page.data('touch')).toBe('start:12');
    await pad!.touchend({ touches: [], changeTouches: [t] });
    expect(await page.data('touchEnd')).toBe(true);
    expect(await page.data('longpressed')).toBeUndefined();
    await pad!.longpress();
    expect(await page.data('longpressed')).toBe(true);
  });
});

describe('misc protocol', () => {
  test('dispatchEvent bubbles a custom event', async () => {
    await s.mp.callWxMethod('reLaunch', { url: '/pages/widgets/widgets' });
    const page = await current(s.mp);
    const pad = await page.$('.touchpad');
    await pad!.dispatchEvent({ eventName: 'custom', detail: { n: 3 } });
    expect(await page.data('custom')).toBe(3);
  });

  test('xpath over the composed WXML tree', async () => {
    await s.mp.callWxMethod('reLaunch', { url: '/pages/index/index' });
    const page = await current(s.mp);
    expect(await (await page.xpath('//view[@data-id="p2"]/text[@class="name"]'))!.text()).toBe('Bowl');
    expect((await page.getElementsByXpath('//price-tag')).length).toBe(3);
    expect(await (await page.xpath('//counter//text[contains(@class,"counter-value")]'))!.text()).toBe('0');
    expect(await page.xpath('//nothing')).toBeNull();
  });

  test('a second client can connect after the first disconnects; pages keep their ids', async () => {
    const before = idOf(await current(s.mp));
    const other = await automator.connect({ wsEndpoint: s.wsEndpoint });
    expect(idOf(await current(other))).toBe(before);
    other.disconnect();
    expect(idOf(await current(s.mp))).toBe(before);
  });
});
