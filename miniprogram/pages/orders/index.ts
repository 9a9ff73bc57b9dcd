import { forwardMovedPage } from '../../utils/routes';

// This path was a tab and is printed on QR codes and in share cards made before the list moved to a subpackage.
Page({
  onLoad(query: Record<string, string | undefined>) {
    forwardMovedPage('pages/orders/index', query);
  },
});
