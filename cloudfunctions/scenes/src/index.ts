import { actionHandler } from '../../../server/handler';
import { create, referralCode, resolve, shareLanding } from '../../../server/scenes';
import { campaignVisit } from '../../../server/campaigns';

export const main = actionHandler(
  'scenes',
  {
    create: (request) => create(request),
    resolve: (request, caller) => resolve(request, caller.openid),
    referralCode: (_request, caller) => referralCode(caller.openid),
    shareLanding: (request, caller) => shareLanding(caller.openid, request),
    campaignVisit: (request, caller) => campaignVisit(caller.openid, request),
  },
  // A scan resolves before the shopper has done anything; no identity needed to read a target.
  // Making codes (and spending the getUnlimited quota) is the merchant's.
  { anonymous: ['resolve'], merchantOnly: ['create'] },
);
