import { productUrl } from '../../utils/routes';

/** One product in a listing. Receives only what it renders (a ProductSummary subset). */
Component({
  properties: {
    item: { type: Object, value: {} },
  },
  methods: {
    onTap() {
      const item = this.data.item as { _id?: string };
      if (!item._id) return;
      this.triggerEvent('open', { id: item._id });
      wx.navigateTo({ url: productUrl(item._id) });
    },
  },
});
