import { forwardMovedPage } from '../../utils/routes';

// This path is printed on QR codes and in share cards made before the page moved to a subpackage.
Page({
  onLoad(query: Record<string, string | undefined>) {
    forwardMovedPage('pages/order-detail/index', query);
  },
});
