import type { PickupRequest } from '../../../../typings/api';
import type { StoreView } from '../../../../typings/domain';
import { call } from '../../../services/api';
import { pickupContactProblem } from '../../../domain/pickup';

/** What the checkout hears: express, or pickup with the store, who collects, and what is still missing. */
export interface FulfilmentChoice {
  fulfilment: 'express' | 'pickup';
  request: PickupRequest | null;
  /** Why the pickup cannot be ordered yet (Chinese), null when it can. */
  problem: string | null;
}

/**
 * The checkout's delivery choice: 快递配送 or 到店自提 at one of the merchant's pickup stores. Shown only
 * when the merchant has such stores; a shopper who scanned a store's code has that store chosen and
 * pickup selected. The server decides again (the store must still offer pickup) and prices the order
 * without a shipping fee. Emits `change` with a FulfilmentChoice.
 */
Component({
  properties: {
    /** Who collects, filled from the shopper's address when there is one. */
    name: { type: String, value: '' },
    phone: { type: String, value: '' },
  },
  data: {
    stores: [] as StoreView[],
    mode: 'express' as 'express' | 'pickup',
    storeIndex: 0,
    contact: { name: '', phone: '' },
    picking: false,
  },
  observers: {
    'name, phone'(name: string, phone: string) {
      // The shopper's own typing wins over the address it was filled from.
      if (!this.data.contact.name && !this.data.contact.phone && (name || phone)) this.setData({ contact: { name: name || '', phone: phone || '' } });
    },
  },
  lifetimes: {
    async attached() {
      const res = await call('orders', 'pickupStores', {});
      if (!res.ok || res.data.stores.length === 0) return;
      const suggested = res.data.stores.findIndex((s) => s._id === res.data.suggestedStoreId);
      this.setData({ stores: res.data.stores, storeIndex: Math.max(0, suggested), mode: suggested >= 0 ? 'pickup' : 'express' });
      if (suggested >= 0) this.emit();
    },
  },
  methods: {
    emit() {
      const store = this.data.stores[this.data.storeIndex];
      const pickup = this.data.mode === 'pickup' && store;
      const choice: FulfilmentChoice = pickup
        ? { fulfilment: 'pickup', request: { storeId: store._id, contact: { ...this.data.contact } }, problem: pickupContactProblem(this.data.contact) }
        : { fulfilment: 'express', request: null, problem: null };
      this.triggerEvent('change', choice);
    },
    onMode(e: WechatMiniprogram.TouchEvent) {
      const mode = e.currentTarget.dataset.mode === 'pickup' ? 'pickup' : 'express';
      if (mode === this.data.mode) return;
      this.setData({ mode });
      this.emit();
    },
    onOpenStores() {
      if (this.data.stores.length > 1) this.setData({ picking: true });
    },
    onCloseStores() {
      this.setData({ picking: false });
    },
    onPickStore(e: WechatMiniprogram.TouchEvent) {
      this.setData({ storeIndex: Number(e.currentTarget.dataset.index) || 0, picking: false });
      this.emit();
    },
    onContactInput(e: WechatMiniprogram.Input) {
      const field = e.currentTarget.dataset.field === 'phone' ? 'phone' : 'name';
      this.setData({ [`contact.${field}`]: e.detail.value });
      this.emit();
    },
    noop() {},
  },
});
