// Built-in component behaviour: form submit/reset with every field kind, switch, checkbox and
// radio groups, picker, textarea, share button, swiper, scroll-view, image, rich-text.
import { field, openPage, useFixture } from './helpers';

const s = useFixture();

const open = (url: string) => openPage(s.mp, url);

describe('form page', () => {
  test('switch, checkbox, radio, textarea and picker update state and fire change', async () => {
    const page = await open('/pages/form/form');
    const sw = await page.$('switch');
    await sw!.tap();
    expect(await (await page.$('.agree-echo'))!.text()).toBe('agree=true');
    expect(await sw!.property('checked')).toBe(true);
    await (await page.$('.fruit-pear'))!.tap();
    expect(await page.data('fruitsPicked')).toBe('apple,pear');
    await (await page.$('.fruit-apple'))!.tap();
    expect(await page.data('fruitsPicked')).toBe('pear');
    await (await page.$('.size-M'))!.tap();
    expect(await page.data('size')).toBe('M');
    await (await page.$('.size-L'))!.tap();
    expect(await page.data('size')).toBe('L');
    expect(await (await page.$('.size-M'))!.property('checked')).toBe(false);
    await field(await page.$('textarea')).input('a note');
    expect(await (await page.$('.note-echo'))!.text()).toBe('note=a note');
    // Picker: tapping opens it; the user's choice is answered through the __headless__ control.
    await (await page.$('.color-text'))!.tap();
    await s.mp.evaluate(() => __headless__.selectPicker(2));
    expect(await (await page.$('.color-text'))!.text()).toBe('color=blue');
    // trigger() only calls the handler (no component state change)
    await (await page.$('picker'))!.trigger('change', { value: 1 });
    expect(await page.data('colorIndex')).toBe(1);
  });

  test('submit collects named fields; reset clears them', async () => {
    const page = await open('/pages/form/form');
    await field(await page.$('.nick')).input('bob');
    await field(await page.$('textarea')).input('hi');
    await (await page.$('switch'))!.tap();
    await (await page.$('.size-S'))!.tap();
    await (await page.$('.submit'))!.tap();
    expect(await (await page.$('.submitted'))!.text()).toBe('nick=bob;note=hi;agree=true;fruits=apple;size=S;color=0');
    await (await page.$('.reset'))!.tap();
    expect(await page.data('resets')).toBe(1);
    expect(await (await page.$('.nick'))!.value()).toBe('');
    expect(await (await page.$('switch'))!.property('checked')).toBe(false);
  });
});

describe('buttons', () => {
  test('open-type="share" calls onShareAppMessage; callMethod returns the share payload', async () => {
    const page = await open('/pages/detail/detail?id=9');
    await (await page.$('.share'))!.tap();
    const native = await s.mp.evaluate(() => __headless__.native());
    expect(native.lastShare).toEqual({ from: 'button', result: { title: 'Product 9', path: '/pages/detail/detail?id=9' } });
    expect(await page.callMethod('onShareAppMessage')).toEqual({ title: 'Product 9', path: '/pages/detail/detail?id=9' });
  });

  test('sharing from the ⋯ menu calls onShareAppMessage({from: "menu"}) and uses what its promise resolves to', async () => {
    await open('/pages/detail/detail?id=4');
    const card = await s.mp.evaluate(() => __headless__.shareFromMenu());
    expect(card).toEqual({ title: 'Product 4', path: '/pages/detail/detail?id=4&ref=abc' });
    const native = await s.mp.evaluate(() => __headless__.native());
    expect(native.lastShare).toEqual({ from: 'menu', result: card });
  });

  test('a disabled button still delivers tap to its handler but performs no built-in action', async () => {
    const page = await open('/pages/index/index');
    await (await page.$('.dis'))!.tap();
    expect(await page.data('taps')).toBe(1);
    expect(await (await page.$('.dis'))!.property('disabled')).toBe(true);
    const form = await open('/pages/form/form');
    await (await form.$('.submit-disabled'))!.tap();
    expect(await (await form.$('.submitted'))!.text()).toBe('none');
    await (await form.$('.submit'))!.tap();
    expect(await (await form.$('.submitted'))!.text()).not.toBe('none');
  });
});

describe('page events', () => {
  test('pageScrollTo delivers onPageScroll; onReachBottom through the control global', async () => {
    const page = await open('/pages/widgets/widgets');
    await s.mp.pageScrollTo(120);
    expect(await page.data('pageTop')).toBe(120);
    expect(await page.scrollTop()).toBe(120);
    await s.mp.evaluate(() => __headless__.reachBottom());
    expect(await page.data('bottoms')).toBe(1);
  });

  test('pull-down refresh calls onPullDownRefresh; the page stops the indicator', async () => {
    const page = await open('/pages/mine/mine');
    await s.mp.evaluate(() => __headless__.pullDownRefresh());
    expect(await page.data('refreshed')).toBe(true);
    expect((await s.mp.evaluate(() => __headless__.native())).pullDownRefreshing).toBe(false);
  });

  test('open-type getPhoneNumber fires its event with a code', async () => {
    const page = await open('/pages/mine/mine');
    await (await page.$('.phone'))!.tap();
    expect(await page.data('phoneCode')).toBe('sim_phone_code');
  });
});

describe('widgets page', () => {
  test('swiper.swipeTo updates current and fires change with source touch', async () => {
    const page = await open('/pages/widgets/widgets');
    const swiper = await page.$('swiper');
    await (swiper as unknown as { swipeTo(i: number): Promise<void> }).swipeTo(2);
    expect(await (await page.$('.current'))!.text()).toBe('current=2 source=touch');
    expect(await swiper!.property('current')).toBe(2);
  });

  test('scroll-view scrollTo fires scroll and scrolltolower near the end', async () => {
    const page = await open('/pages/widgets/widgets');
    const sv = (await page.$('scroll-view')) as unknown as { scrollTo(x: number, y: number): Promise<void>; property(n: string): Promise<number>; scrollHeight(): Promise<number> };
    expect(await sv.scrollHeight()).toBe(250);
    await sv.scrollTo(0, 50);
    expect(await page.data('scrolls')).toBe(1);
    expect(await page.data('lowerHits')).toBe(0);
    await sv.scrollTo(0, 150);
    expect(await sv.property('scrollTop')).toBe(150);
    expect(await (await page.$('.lower'))!.text()).toBe('lower=1 rows=6');
  });

  test('WXS (inline and external) and imported templates are compiled by wcc', async () => {
    const page = await open('/pages/widgets/widgets');
    expect(await (await page.$('.wxs-out'))!.text()).toBe('¥12.34 abab');
    expect(await (await page.$('.badge'))!.text()).toBe('[new]');
  });

  test('<text> keeps the line breaks of its content', async () => {
    const page = await open('/pages/widgets/widgets');
    expect(await (await page.$('.multiline'))!.text()).toBe('line one\nline two');
  });

  test('image fires load with the intrinsic size; rich-text renders nodes', async () => {
    const page = await open('/pages/widgets/widgets');
    expect(await (await page.$('.img-info'))!.text()).toBe('img=4x3');
    expect(await (await page.$('rich-text'))!.text()).toBe('Bold rich');
    await page.setData({ html: [{ name: 'p', children: [{ type: 'text', text: 'from nodes' }] }] });
    expect(await (await page.$('rich-text'))!.text()).toBe('from nodes');
  });
});
