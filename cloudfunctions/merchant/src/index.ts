import { actionHandler } from '../../../server/handler';
import { adjustStock, cancel, complete, editOrder, importProducts, ledgerCheck, renameProduct, saveProduct, ship, endFlashSale, flashSales, scheduleFlashSale } from '../../../server/merchant';
import { attributionReport, scanReport } from '../../../server/merchant-reports';
import { retryDueUploads } from '../../../server/shipping-upload';
import { listTemplates, saveTemplate } from '../../../server/coupons';
import { listCampaigns, saveCampaign } from '../../../server/campaigns';
import { campaignReport } from '../../../server/campaigns-report';
import { listNotices } from '../../../server/notify';
import { listStores, saveStore } from '../../../server/stores';
import { pickupOrders, verifyPickup } from '../../../server/pickup';
import { listGroupDeals, saveGroupDeal } from '../../../server/groups';

export const main = actionHandler(
  'merchant',
  {
    adjustStock: (request, caller) => adjustStock(request, caller),
    saveProduct: (request, caller) => saveProduct(request, caller),
    importProducts: (request, caller) => importProducts(request, caller),
    renameProduct: (request, caller) => renameProduct(request, caller),
    ship: (request) => ship(request),
    complete: (request) => complete(request),
    cancel: (request) => cancel(request),
    ledgerCheck: (request) => ledgerCheck(request),
    editOrder: (request) => editOrder(request),
    scanReport: (request) => scanReport(request),
    attributionReport: (request) => attributionReport(request),
    saveCouponTemplate: (request) => saveTemplate(request),
    listCouponTemplates: () => listTemplates(),
    scheduleFlashSale: (request, caller) => scheduleFlashSale(request, caller),
    flashSales: (request) => flashSales(request),
    endFlashSale: (request, caller) => endFlashSale(request, caller),
    saveCampaign: (request) => saveCampaign(request),
    listCampaigns: () => listCampaigns(),
    campaignReport: (request) => campaignReport(request),
    notices: (request) => listNotices(request),
    saveStore: (request) => saveStore(request),
    listStores: () => listStores(),
    pickupOrders: (request) => pickupOrders(request),
    verifyPickup: (request, caller) => verifyPickup(request, caller),
    saveGroupDeal: (request) => saveGroupDeal(request),
    groupDeals: () => listGroupDeals(),
  },
  {
    merchantOnly: ['adjustStock', 'saveProduct', 'importProducts', 'renameProduct', 'ship', 'complete', 'cancel', 'ledgerCheck', 'editOrder', 'scanReport', 'attributionReport', 'saveCouponTemplate', 'listCouponTemplates', 'scheduleFlashSale', 'flashSales', 'endFlashSale', 'saveCampaign', 'listCampaigns', 'campaignReport', 'notices', 'saveStore', 'listStores', 'pickupOrders', 'verifyPickup', 'saveGroupDeal', 'groupDeals'],
    // Every 5 minutes (config.json): shipping-info uploads WeChat has not accepted yet are tried again.
    timers: { shippingUploads: () => retryDueUploads() },
  },
);
