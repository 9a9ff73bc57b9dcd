import { actionHandler } from '../../../server/handler';
import { adjustStock, cancel, complete, importProducts, ledgerCheck, renameProduct, saveProduct, ship } from '../../../server/merchant';
import { endFlashSale, flashSales, scheduleFlashSale } from '../../../server/merchant';

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
    scheduleFlashSale: (request, caller) => scheduleFlashSale(request, caller),
    flashSales: (request) => flashSales(request),
    endFlashSale: (request, caller) => endFlashSale(request, caller),
  },
  { merchantOnly: ['adjustStock', 'saveProduct', 'importProducts', 'renameProduct', 'ship', 'complete', 'cancel', 'ledgerCheck',
    'scheduleFlashSale', 'flashSales', 'endFlashSale'] },
);
