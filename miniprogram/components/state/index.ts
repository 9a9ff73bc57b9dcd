/**
 * Loading / empty / error-with-retry placeholder shared by every page. Renders nothing for
 * status "ok". Emits `retry` from the error state and `action` from the empty state's button.
 */
Component({
  properties: {
    status: { type: String, value: 'loading' },
    message: { type: String, value: '' },
    actionText: { type: String, value: '' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry', {});
    },
    onAction() {
      this.triggerEvent('action', {});
    },
  },
});
