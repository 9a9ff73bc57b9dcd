/**
 * Date and date-and-time fields in China time, written year first ("2026-03-02 14:00") in either
 * language (the rules are in ./i18n.ts). The field is text, so what the merchant sees is what is sent;
 * the calendar button beside it opens the browser's own picker, and the day and time picked there are
 * copied back in this form (a native picker's value is zone-free "2026-03-02T14:00", read here as China
 * time like everything typed).
 */
import { h } from './dom';
import { normalizeDateTime, normalizeDay, t } from './i18n';

export type TimeKind = 'date' | 'datetime';

export interface TimeInput {
  /** The text field; its value is "2026-03-02" or "2026-03-02 14:00" (or what the merchant typed). */
  input: HTMLInputElement;
  /** The field with its calendar button, to put in the form. */
  control: HTMLElement;
}

export function timeInput(id: string, kind: TimeKind, attrs: Record<string, unknown> = {}): TimeInput {
  const normalize = kind === 'date' ? normalizeDay : normalizeDateTime;
  const input = h('input', {
    id,
    class: `time-text time-${kind}`,
    inputmode: 'numeric',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: t(kind === 'date' ? 'time.dayPlaceholder' : 'time.dateTimePlaceholder'),
    title: t(kind === 'date' ? 'time.dayHint' : 'time.dateTimeHint'),
    ...attrs,
  });
  // Typed "2026/3/2 9:05" reads back as "2026-03-02 09:05" once the merchant leaves the field.
  input.addEventListener('change', () => {
    const tidy = normalize(input.value);
    if (tidy) input.value = tidy;
  });
  const native = h('input', { type: kind === 'date' ? 'date' : 'datetime-local', class: 'time-native', tabindex: '-1', 'aria-hidden': 'true' });
  native.addEventListener('input', () => {
    if (!native.value) return;
    input.value = native.value.replace('T', ' ');
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const pick = h('button', {
    type: 'button',
    class: 'time-pick',
    'aria-label': t('time.pick'),
    title: t('time.pick'),
    onclick: () => {
      const tidy = normalize(input.value);
      native.value = tidy ? tidy.replace(' ', 'T') : '';
      try {
        native.showPicker();
      } catch {
        input.focus(); // no picker in this browser: typing is the way
      }
    },
  });
  return { input, control: h('span', { class: 'time-input' }, input, pick, native) };
}
