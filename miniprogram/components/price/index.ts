import { formatFen } from '../../domain/money';

/** Shows an amount in fen as "¥12.50"; an optional struck-through original price when higher. */
Component({
  options: { virtualHost: false },
  properties: {
    fen: { type: Number, value: 0 },
    original: { type: Number, value: 0 },
    size: { type: String, value: 'm' },
  },
  data: { text: '¥0.00', originalText: '' },
  observers: {
    'fen, original'(fen: number, original: number) {
      this.setData({
        text: formatFen(fen),
        originalText: original > fen ? formatFen(original) : '',
      });
    },
  },
});
