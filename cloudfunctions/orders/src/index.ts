import { actionHandler } from '../../../server/handler';
import { expireDueOrders } from '../../../server/expiry';
import { endDueFlashSales } from '../../../server/flash-sales';
import { cancel, confirmReceipt, create, get, list, pay, quote } from '../../../server/orders';
import { handlePayNotification } from '../../../server/payments';
import { handleRefundNotification } from '../../../server/refunds';
import { claim, claimableFor, mine } from '../../../server/coupons';
import {
  approveAfterSale,
  handleAfterSaleRefundNotification,
  isAfterSaleRefundNumber,
  listAfterSales,
  merchantAfterSales,
  processAllDueRefunds,
  receiveReturn,
  refundAfterSale,
  refuseAfterSale,
  requestAfterSale,
} from '../../../server/after-sales';
import { pickupStores } from '../../../server/stores';
import { pickupCode } from '../../../server/pickup-code';

export const main = actionHandler(
  'orders',
  {
    create: (request, caller) => create(caller.openid, request),
    quote: (request, caller) => quote(request, caller.openid),
    list: (request, caller) => list(caller.openid, request),
    get: (request, caller) => get(caller.openid, request),
    cancel: (request, caller) => cancel(caller.openid, request),
    pay: (request, caller) => pay(caller.openid, request),
    confirmReceipt: (request, caller) => confirmReceipt(caller.openid, request),
    requestAfterSale: (request, caller) => requestAfterSale(caller.openid, request),
    listAfterSales: (request, caller) => listAfterSales(caller.openid, request),
    merchantAfterSales: (request) => merchantAfterSales(request),
    approveAfterSale: (request) => approveAfterSale(request),
    refuseAfterSale: (request) => refuseAfterSale(request),
    receiveReturn: (request) => receiveReturn(request),
    refundAfterSale: (request) => refundAfterSale(request),
    claimCoupon: (request, caller) => claim(caller.openid, request),
    myCoupons: (request, caller) => mine(caller.openid, request),
    claimableCoupons: (request, caller) => claimableFor(caller.openid, request),
    pickupStores: (_request, caller) => pickupStores(caller.openid),
    pickupCode: (request, caller) => pickupCode(caller.openid, request),
  },
  {
    // The merchant's order actions (the console calls them with the environment's credentials).
    merchantOnly: ['merchantAfterSales', 'approveAfterSale', 'refuseAfterSale', 'receiveReturn', 'refundAfterSale'],
    // Every minute (config.json): unpaid orders past their payment window give their stock back, and
    // refunds owed (late or duplicate payments, after-sales) are executed or confirmed.
    // Flash sales past their end give the rest of their allotment back to stock (also done on read).
    timers: { expireOrders: () => expireDueOrders(), refunds: () => processAllDueRefunds(), endFlashSales: () => endDueFlashSales() },
    // cloudPay.unifiedOrder and cloudPay.refund name this function as the one WeChat Pay notifies.
    payNotifications: (event) => handlePayNotification(event),
    refundNotifications: (event) => (isAfterSaleRefundNumber(event.outRefundNo) ? handleAfterSaleRefundNotification(event) : handleRefundNotification(event)),
  },
);
