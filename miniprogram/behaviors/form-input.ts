/**
 * The input handler of a page that edits a `form` object: each input names its field in `data-field`
 * and binds `bindinput="onFormInput"`; the page lists this function among its methods.
 */
export function onFormInput(this: { setData(data: Record<string, unknown>): void }, e: WechatMiniprogram.Input): void {
  this.setData({ [`form.${String(e.currentTarget.dataset.field)}`]: e.detail.value });
}
