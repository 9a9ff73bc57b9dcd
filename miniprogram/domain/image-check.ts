/**
 * What a user image shows while WeChat checks it (security.mediaCheckAsync answers later, by message
 * push): nothing but a note until it passes, and a note in its place when it is refused. Pages, the
 * console and the functions use these words, so a shopper and a merchant read the same thing.
 */
import type { CheckedImage, ImageCheckState } from '../../typings/domain';

/** WeChat pushes a verdict within 30 minutes; a check still pending this long after it was sent is sent again. */
export const RESUBMIT_AFTER_MS = 40 * 60_000;

export const IMAGE_NOTES: Record<ImageCheckState, string> = {
  pending: '图片审核中',
  pass: '',
  refused: '图片含有不适宜公开的内容，已隐藏',
};

/** The view of an image in `state`. */
export function checkedImage(fileID: string, state: ImageCheckState): CheckedImage {
  return { fileID, state, note: IMAGE_NOTES[state] };
}

/** Only a passed image may be shown to anyone but its owner. */
export function mayShowImage(image: Pick<CheckedImage, 'state'>): boolean {
  return image.state === 'pass';
}
