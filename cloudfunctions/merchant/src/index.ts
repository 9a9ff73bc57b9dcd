import { actionHandler } from '../../../server/handler';
import { adjustStock, cancel, complete, importProducts, ledgerCheck, renameProduct, saveProduct, ship } from '../../../server/merchant';
import { listCampaigns, saveCampaign } from '../../../server/campaigns';
import { campaignReport } from '../../../server/campaigns-report';

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
    saveCampaign: (request) => saveCampaign(request),
    listCampaigns: () => listCampaigns(),
    campaignReport: (request) => campaignReport(request),
  },
  {
    merchantOnly: ['adjustStock', 'saveProduct', 'importProducts', 'renameProduct', 'ship', 'complete', 'cancel', 'ledgerCheck',
      'saveCampaign', 'listCampaigns', 'campaignReport'],
  },
);
