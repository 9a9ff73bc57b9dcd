/**
 * Quantity input bounded by [min, max] (max = units in stock, capped by the per-line limit by the
 * caller). Emits `change` with `{ value }` only when the value actually changes.
 */
Component({
  properties: {
    value: { type: Number, value: 1 },
    min: { type: Number, value: 1 },
    max: { type: Number, value: 99 },
    disabled: { type: Boolean, value: false },
  },
  data: { atMin: true, atMax: false },
  observers: {
    'value, min, max'(value: number, min: number, max: number) {
      this.setData({ atMin: value <= min, atMax: value >= max });
    },
  },
  methods: {
    clamp(n: number): number {
      const { min, max } = this.data;
      const upper = Math.max(min, max);
      return Math.min(upper, Math.max(min, Math.floor(n)));
    },
    emit(next: number) {
      if (this.data.disabled) return;
      const value = this.clamp(next);
      if (value === this.data.value) return;
      this.setData({ value });
      this.triggerEvent('change', { value });
    },
    onMinus() {
      this.emit(this.data.value - 1);
    },
    onPlus() {
      this.emit(this.data.value + 1);
    },
    onInput(e: WechatMiniprogram.Input) {
      const n = parseInt(e.detail.value, 10);
      if (!isNaN(n)) this.emit(n);
    },
    onBlur(e: WechatMiniprogram.InputBlur) {
      const n = parseInt(e.detail.value, 10);
      // An emptied or out-of-range field snaps back to a valid number when the shopper leaves it.
      const value = isNaN(n) ? this.data.value : this.clamp(n);
      if (value !== this.data.value) this.emit(value);
      else this.setData({ value });
    },
  },
});
