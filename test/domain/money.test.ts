import fc from 'fast-check';
import { fenToYuanString, formatFen, isFen, MAX_FEN, multiplyFen, parseYuan, sumFen } from '../../miniprogram/domain/money';

describe('money in fen', () => {
  test('formats fen as yuan only for display', () => {
    expect(formatFen(1250)).toBe('¥12.50');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(0)).toBe('¥0.00');
    expect(fenToYuanString(-150)).toBe('-1.50');
  });

  test('parses typed yuan exactly, without floating point', () => {
    expect(parseYuan('12.5')).toBe(1250);
    expect(parseYuan('¥ 0.07')).toBe(7);
    expect(parseYuan('19.99')).toBe(1999);
    expect(parseYuan('12')).toBe(1200);
    for (const bad of ['', '12.555', '-1', 'abc', '1e3', '12,50']) expect(parseYuan(bad)).toBeNull();
  });

  test('parseYuan and fenToYuanString round-trip every amount', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 999_999_999 }), (fen) => parseYuan(fenToYuanString(fen)) === fen));
  });

  test('rejects non-integer, negative and oversized amounts', () => {
    expect(isFen(1.5)).toBe(false);
    expect(isFen(-1)).toBe(false);
    expect(isFen(MAX_FEN + 1)).toBe(false);
    expect(isFen('100')).toBe(false);
    expect(() => multiplyFen(1.5, 2)).toThrow(RangeError);
    expect(() => multiplyFen(100, 1.5)).toThrow(RangeError);
    expect(() => multiplyFen(100, -1)).toThrow(RangeError);
    expect(() => multiplyFen(MAX_FEN, Number.MAX_SAFE_INTEGER)).toThrow('overflow');
    expect(() => sumFen([1, -2])).toThrow(RangeError);
    expect(multiplyFen(1999, 3)).toBe(5997);
    expect(sumFen([])).toBe(0);
  });
});
