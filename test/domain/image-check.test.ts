/** What a user image shows while WeChat checks it: the same words for pages, the console and the functions. */
import { checkedImage, IMAGE_NOTES, mayShowImage, RESUBMIT_AFTER_MS } from '../../miniprogram/domain/image-check';

test('pending and refused images carry a Chinese note in place of the picture; only a passed one is shown', () => {
  expect(checkedImage('cloud://env.b/a.png', 'pending')).toEqual({ fileID: 'cloud://env.b/a.png', state: 'pending', note: '图片审核中' });
  expect(checkedImage('cloud://env.b/a.png', 'refused').note).toBe('图片含有不适宜公开的内容，已隐藏');
  expect(checkedImage('cloud://env.b/a.png', 'pass').note).toBe('');
  expect(Object.keys(IMAGE_NOTES).filter((state) => mayShowImage({ state: state as keyof typeof IMAGE_NOTES }))).toEqual(['pass']);
});

test('a check is sent again only after WeChat\'s 30-minute window has passed', () => {
  expect(RESUBMIT_AFTER_MS).toBeGreaterThan(30 * 60_000);
});
