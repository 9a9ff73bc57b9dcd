/**
 * The console's sections, in navigation order. A section is a ConsoleView (./view.ts) in its own module;
 * adding one is an import and an entry here.
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

export const VIEWS: readonly ConsoleView[] = [
  productsView,
  ordersView,
  afterSalesView,
  storesView,
  noticesView,
  couponsView,
  flashSalesView,
  groupDealsView,
  campaignsView,
  qrcodesView,
  reportsView,
  ledgerView,
  databaseView,
  logsView,
];

export const DEFAULT_TAB = 'products';
