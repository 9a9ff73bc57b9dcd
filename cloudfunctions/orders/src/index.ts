import { actionHandler } from '../../../server/handler';
import { expireDueOrders } from '../../../server/expiry';
import { endDueFlashSales } from '../../../server/flash-sales';
import { cancel, confirmReceipt, create, get, list, pay, quote } from '../../../server/orders';
import { handlePayNotification } from '../../../server/payments';
import { handleRefundNotification } from '../../../server/refunds';
import { claim, claimableFor, mine } from '../../../server/coupons';
import { noticeTemplates, reportSubscriptions, retryDueNotices } from '../../../server/notify';
import { group, groupDeal, joinGroup, myGroupProfile, openGroup, saveGroupProfile, settleDueGroups } from '../../../server/groups';
import {
  approveAfterSale,
  handleAfterSaleRefundNotification,
  isAfterSaleRefundNumber,
  listAfterSales,
  merchantAfterSales,
  previewAfterSale,
  processAllDueRefunds,
  receiveReturn,
  refundAfterSale,
  refuseAfterSale,
  requestAfterSale,
} from '../../../server/after-sales';
import { checkImage, recordImageVerdict } from '../../../server/image-check';
import { SEC_SCENE } from '../../../server/content-security';
import { listAddresses, removeAddress, saveAddress, setDefaultAddress } from '../../../server/addresses';
import { meSummary } from '../../../server/me';
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
    pay: async (request, caller) => ({ ...(await pay(caller.openid, request)), noticeTemplates: (await noticeTemplates()).templates }),
    confirmReceipt: (request, caller) => confirmReceipt(caller.openid, request),
    requestAfterSale: (request, caller) => requestAfterSale(caller.openid, request),
    previewAfterSale: (request, caller) => previewAfterSale(caller.openid, request),
    listAfterSales: (request, caller) => listAfterSales(caller.openid, request),
    merchantAfterSales: (request) => merchantAfterSales(request),
    approveAfterSale: (request) => approveAfterSale(request),
    refuseAfterSale: (request) => refuseAfterSale(request),
    receiveReturn: (request) => receiveReturn(request),
    refundAfterSale: (request) => refundAfterSale(request),
    claimCoupon: (request, caller) => claim(caller.openid, request),
    myCoupons: (request, caller) => mine(caller.openid, request),
    claimableCoupons: (request, caller) => claimableFor(caller.openid, request),
    checkImage: async (request, caller) => ({ image: await checkImage(caller.openid, request.fileID, SEC_SCENE[request.scene ?? 'comment']) }),
    addresses: (_request, caller) => listAddresses(caller.openid),
    saveAddress: (request, caller) => saveAddress(caller.openid, request),
    removeAddress: (request, caller) => removeAddress(caller.openid, request),
    setDefaultAddress: (request, caller) => setDefaultAddress(caller.openid, request),
    meSummary: (_request, caller) => meSummary(caller.openid),
    noticeTemplates: () => noticeTemplates(),
    reportSubscriptions: (request, caller) => reportSubscriptions(caller.openid, request),
    pickupStores: (_request, caller) => pickupStores(caller.openid),
    pickupCode: (request, caller) => pickupCode(caller.openid, request),
    groupDeal: (request) => groupDeal(request),
    group: (request, caller) => group(caller.openid, request),
    openGroup: (request, caller) => openGroup(caller.openid, request),
    joinGroup: (request, caller) => joinGroup(caller.openid, request),
    saveGroupProfile: (request, caller) => saveGroupProfile(caller.openid, request),
    myGroupProfile: (_request, caller) => myGroupProfile(caller.openid),
  },
  {
    // The merchant's order actions (the console calls them with the environment's credentials).
    merchantOnly: ['merchantAfterSales', 'approveAfterSale', 'refuseAfterSale', 'receiveReturn', 'refundAfterSale'],
    // Every minute (config.json): unpaid orders past their payment window give their stock back, and
    // refunds owed (late or duplicate payments, after-sales) are executed or confirmed.
    // Flash sales past their end give the rest of their allotment back to stock (also done on read).
    // Subscribe-message notices not sent yet (a failure other than 43101) are tried again.
    timers: { expireOrders: () => expireDueOrders(), refunds: () => processAllDueRefunds(), endFlashSales: () => endDueFlashSales(), notices: () => retryDueNotices(),
      // Groups whose window ended short fail and their paid members are refunded (server/groups.ts).
      settleGroups: () => settleDueGroups() },
    // cloudPay.unifiedOrder and cloudPay.refund name this function as the one WeChat Pay notifies.
    payNotifications: (event) => handlePayNotification(event),
    refundNotifications: (event) => (isAfterSaleRefundNumber(event.outRefundNo) ? handleAfterSaleRefundNotification(event) : handleRefundNotification(event)),
    // The environment's message push sends image check verdicts here (cloudfunctions/message-push.json).
    messagePush: { wxa_media_check: (event) => recordImageVerdict(event) },
  },
);
