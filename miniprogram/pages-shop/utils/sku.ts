import type { SpecDimension } from '../../../typings/domain';

/**
 * The page passes SKUs as compact combos, `[valueIndex per dimension..., available]`, e.g. `[0, 2, 5]`
 * for (specs[0].values[0], specs[1].values[2]) with 5 in stock: a 200-SKU product then costs about
 * 2 KB of setData instead of 15 KB with SKU ids and value strings.
 */
export function toCombos(specs: SpecDimension[], skus: { specValues: string[]; available: number }[]): number[][] {
  return skus.map((sku) => specs.map((dim, d) => dim.values.indexOf(sku.specValues[d])).concat([sku.available]));
}

export function fromCombos(specs: SpecDimension[], combos: number[][]): { specValues: string[]; available: number }[] {
  return combos.map((combo) => ({
    specValues: specs.map((dim, d) => dim.values[combo[d]]),
    available: combo[combo.length - 1] || 0,
  }));
}
