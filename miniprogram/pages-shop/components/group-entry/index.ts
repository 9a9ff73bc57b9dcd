import { formatFen } from '../../../domain/money';
import { GROUP_PAGE } from '../../../domain/group-page';
import { call } from '../../../services/api';

/**
 * A product's group deal (拼团) on its page: the group price, the group size and how many groups are
 * open, leading to the group page. Shows nothing when the product has no active deal (or the call
 * fails: buying alone still works).
 */
Component({
  properties: {
    productId: { type: String, value: '' },
  },
  data: { shown: false, priceText: '', size: 0, open: 0 },
  observers: {
    async productId(productId: string) {
      if (!productId) return;
      const res = await call('orders', 'groupDeal', { productId });
      if (!res.ok || !res.data.deal) {
        this.setData({ shown: false });
        return;
      }
      this.setData({ shown: true, priceText: formatFen(res.data.deal.lowestPrice), size: res.data.deal.size, open: res.data.groups.length });
    },
  },
  methods: {
    onOpen() {
      wx.navigateTo({ url: `/${GROUP_PAGE}?productId=${encodeURIComponent(this.data.productId)}` });
    },
  },
});
