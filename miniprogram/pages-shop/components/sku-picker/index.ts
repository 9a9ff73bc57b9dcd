import type { SpecDimension } from '../../../../typings/domain';
import { skuForPick, specValueStates } from '../../../domain/product';
import { fromCombos } from '../../utils/sku';
import type { SpecValueState } from '../../../domain/product';

interface PickerSku {
  specValues: string[];
  available: number;
}


interface DimView {
  name: string;
  values: { value: string; state: SpecValueState; label: string }[];
}

const STATE_LABEL: Record<SpecValueState, string> = {
  selected: '已选',
  available: '可选',
  sold_out: '已售罄',
  impossible: '无此组合',
};

/**
 * Spec picker: one row per dimension. Values that cannot be bought with the other picks are greyed
 * out (sold out) or struck out (no such SKU) and cannot be tapped. Emits `change` with
 * `{ picked, index }`: the index into `combos` of the picked SKU, -1 until every dimension is picked.
 */
Component({
  // `_picked` is logic state: a pure-data field never goes to the view layer.
  options: { pureDataPattern: /^_/ },
  properties: {
    specs: { type: Array, value: [] },
    combos: { type: Array, value: [] },
  },
  data: { dims: [] as DimView[], _picked: [] as (string | null)[], _sig: '', _emitted: '' },
  observers: {
    'specs, combos'() {
      // Observers also fire when a parent re-renders with the same values: only a real change of
      // the product's specs or stock recomputes (and may re-emit), so parent and picker cannot loop.
      const sig = JSON.stringify([this.data.specs, this.data.combos]);
      if (sig === this.data._sig) return;
      this.setData({ _sig: sig });
      const specs = this.data.specs as SpecDimension[];
      const skus = fromCombos(specs, this.data.combos as number[][]);
      const old = this.data._picked;
      // Keep earlier picks that still exist; single-valued dimensions are picked for the shopper.
      const picked = specs.map((dim, d) => {
        const prev = old[d];
        if (prev && dim.values.indexOf(prev) >= 0) return prev;
        return dim.values.length === 1 ? dim.values[0] : null;
      });
      this.refresh(picked, skus);
    },
  },
  methods: {
    refresh(picked: (string | null)[], skus: PickerSku[]) {
      const specs = this.data.specs as SpecDimension[];
      const states = specValueStates(specs, skus, picked);
      const dims: DimView[] = specs.map((dim, d) => ({
        name: dim.name,
        values: dim.values.map((value, v) => ({ value, state: states[d][v], label: `${dim.name} ${value} ${STATE_LABEL[states[d][v]]}` })),
      }));
      const sku = skuForPick(skus, picked, specs.length);
      const detail = { picked: picked.slice(), index: sku ? skus.indexOf(sku) : -1 };
      const emitted = JSON.stringify(detail);
      const changed = emitted !== this.data._emitted;
      this.setData({ dims, _picked: picked, _emitted: emitted });
      if (changed) this.triggerEvent('change', detail);
    },
    onPick(e: WechatMiniprogram.TouchEvent) {
      const d = Number(e.currentTarget.dataset.d);
      const v = Number(e.currentTarget.dataset.v);
      const dim = this.data.dims[d];
      if (!dim || !dim.values[v]) return;
      const { value, state } = dim.values[v];
      if (state === 'impossible' || state === 'sold_out') return;
      const picked = this.data._picked.slice();
      picked[d] = picked[d] === value ? null : value;
      this.refresh(picked, fromCombos(this.data.specs as SpecDimension[], this.data.combos as number[][]));
    },
  },
});
