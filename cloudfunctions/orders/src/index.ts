import { actionHandler } from '../../../server/handler';
import { expireDueOrders } from '../../../server/expiry';
import { cancel, complete, confirmReceipt, create, get, list, pay, quote, ship } from '../../../server/orders';
import { handlePayNotification } from '../../../server/payments';
import { handleRefundNotification, processDueRefunds } from '../../../server/refunds';

export const main = actionHandler(
  'orders',
  {
    create: (request, caller) => create(caller.openid, request),
    quote: (request) => quote(request),
    list: (request, caller) => list(caller.openid, request),
    get: (request, caller) => get(caller.openid, request),
    cancel: (request, caller) => cancel(caller.openid, request),
    pay: (request, caller) => pay(caller.openid, request),
    confirmReceipt: (request, caller) => confirmReceipt(caller.openid, request),
    ship: (request) => ship(request),
    complete: (request) => complete(request),
  },
  {
    // The merchant's order actions (the console calls them with the environment's credentials).
    merchantOnly: ['ship', 'complete'],
    // Every minute (config.json): unpaid orders past their payment window give their stock back, and
    // payments we do not keep (late, duplicate) are refunded.
    timers: { expireOrders: () => expireDueOrders(), refunds: () => processDueRefunds() },
    // cloudPay.unifiedOrder and cloudPay.refund name this function as the one WeChat Pay notifies.
    payNotifications: (event) => handlePayNotification(event),
    refundNotifications: (event) => handleRefundNotification(event),
  },
);
