import type { SearchSuggestion } from '../../../typings/api';
import { call } from '../../services/api';
import { productUrl } from '../../utils/routes';
import { clearRecentSearches, recentSearches } from '../../utils/search-history';

/** The latest suggestion request per panel: only its answer is shown (earlier keystrokes' answers may arrive later). */
const latest = new WeakMap<object, number>();

/**
 * What the search box offers while the shopper types: recent searches (this device, clearable) when
 * the box is empty, otherwise the typed text to search and the products it finds (`catalog.suggest`).
 * Emits `search` ({keyword}) for a search to run; a suggested product opens its page.
 */
Component({
  properties: {
    /** What is in the search box now. */
    text: { type: String, value: '' },
  },
  data: {
    history: [] as string[],
    suggestions: [] as SearchSuggestion[],
    /** idle: nothing typed; loading / ok / error: the suggestions for `text`. */
    suggestStatus: 'idle' as 'idle' | 'loading' | 'ok' | 'error',
    query: '',
  },
  lifetimes: {
    attached() {
      this.setData({ history: recentSearches() });
    },
  },
  observers: {
    text(value: string) {
      this.suggest(value);
    },
  },
  methods: {
    async suggest(value: string) {
      const query = String(value || '').trim().slice(0, 50);
      const seq = (latest.get(this) || 0) + 1;
      latest.set(this, seq);
      if (!query) {
        this.setData({ query: '', suggestions: [], suggestStatus: 'idle' });
        return;
      }
      this.setData({ query, suggestStatus: 'loading' });
      const res = await call('catalog', 'suggest', { keyword: query });
      if (latest.get(this) !== seq) return;
      if (res.ok) this.setData({ suggestions: res.data.suggestions, suggestStatus: 'ok' });
      else this.setData({ suggestions: [], suggestStatus: 'error' });
    },
    onRetrySuggest() {
      this.suggest(this.data.text);
    },
    onSearchTyped() {
      if (this.data.query) this.triggerEvent('search', { keyword: this.data.query });
    },
    onHistoryTap(e: WechatMiniprogram.TouchEvent) {
      const keyword = String(e.currentTarget.dataset.keyword || '');
      if (keyword) this.triggerEvent('search', { keyword });
    },
    onClearHistory() {
      clearRecentSearches();
      this.setData({ history: [] });
    },
    onSuggestionTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      if (id) wx.navigateTo({ url: productUrl(id) });
    },
  },
});
