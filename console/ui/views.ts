/**
 * The console's sections, in navigation order. A section is a ConsoleView (./view.ts) in its own module;
 * adding one is an import and an entry in its group here.
 */
import { afterSalesView } from './after-sales';
import { couponsView } from './coupons';
import { campaignsView } from './campaigns';
import { databaseView } from './database';
import { ledgerView } from './ledger';
import { flashSalesView } from './flash-sales';
import { groupDealsView } from './group-deals';
import { logsView } from './logs';
import { noticesView } from './notices';
import { ordersView } from './orders';
import { productsView } from './products';
import { qrcodesView } from './qrcodes';
import { reportsView } from './reports';
import { storesView } from './stores';
import type { ConsoleView } from './view';
import type { MessageKey } from './i18n';

/** The navigation: sections in groups, so fourteen of them read at a glance in either language. */
export const NAV_GROUPS: readonly { label: MessageKey; views: readonly ConsoleView[] }[] = [
  { label: 'nav.group.catalog', views: [productsView, ledgerView] },
  { label: 'nav.group.orders', views: [ordersView, afterSalesView, storesView, noticesView] },
  { label: 'nav.group.marketing', views: [couponsView, flashSalesView, groupDealsView, campaignsView, qrcodesView, reportsView] },
  { label: 'nav.group.system', views: [databaseView, logsView] },
];

export const VIEWS: readonly ConsoleView[] = NAV_GROUPS.flatMap((g) => g.views);

export const DEFAULT_TAB = 'products';
