import { actionHandler } from '../../../server/handler';
import { listTemplates, saveTemplate } from '../../../server/coupons';
import { adjustStock, cancel, complete, importProducts, ledgerCheck, renameProduct, saveProduct, ship } from '../../../server/merchant';

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
    saveCouponTemplate: (request) => saveTemplate(request),
    listCouponTemplates: () => listTemplates(),
  },
  { merchantOnly: ['adjustStock', 'saveProduct', 'importProducts', 'renameProduct', 'ship', 'complete', 'cancel', 'ledgerCheck', 'saveCouponTemplate', 'listCouponTemplates'] },
);
