/**
 * The rename dialog for a product whose id breaks the id rule: the new id is checked by the same rule
 * the functions apply (miniprogram/domain/ids.ts) before it is sent, and the merchant function's refusal
 * (an id already taken, units held by unpaid orders) is shown as it answered.
 */
import { isValidId, suggestId } from '../../miniprogram/domain/ids';
import { client } from './client';
import { h, toast } from './dom';
import { errorText, t } from './i18n';

/** Opens the dialog; `onRenamed` runs after the server renamed the product. */
export function openRenameDialog(productId: string, onRenamed: (newId: string) => void): void {
  document.getElementById('rename-dialog')?.remove();
  const input = h('input', { id: 'rename-to', value: suggestId(productId), required: true, maxlength: 64, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'rename-rule' }) as HTMLInputElement;
  const error = h('p', { class: 'error', id: 'rename-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'rename-submit' }, t('rename.submit')) as HTMLButtonElement;
  const dialog = h('dialog', { id: 'rename-dialog', 'aria-labelledby': 'rename-title' }) as HTMLDialogElement;
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  const check = (): boolean => {
    const ok = isValidId(input.value);
    error.textContent = ok || input.value === '' ? '' : t('rename.invalid');
    submit.disabled = !ok;
    return ok;
  };
  input.addEventListener('input', check);
  const form = h(
    'form',
    {
      method: 'dialog',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        if (!check()) return;
        submit.disabled = true;
        error.textContent = '';
        try {
          const { productId: renamed } = await client.renameProduct(productId, input.value);
          close();
          toast(t('rename.done', { id: renamed }));
          onRenamed(renamed);
        } catch (e) {
          error.textContent = errorText(e);
          submit.disabled = false;
        }
      },
    },
    h('h3', { id: 'rename-title' }, t('rename.title')),
    h('p', {}, t('rename.why', { id: JSON.stringify(productId) })),
    h('label', { class: 'wide' }, t('rename.label'), input, h('span', { id: 'rename-rule', class: 'muted small' }, t('rename.rule'))),
    error,
    h('div', { class: 'toolbar dialog-actions' }, h('button', { type: 'button', id: 'rename-cancel', onclick: close }, t('common.cancel')), submit),
  );
  dialog.append(form);
  dialog.addEventListener('cancel', () => dialog.remove());
  document.body.append(dialog);
  check();
  dialog.showModal();
  input.focus();
  input.select();
}
