import { categories, get, list, suggest } from '../../../server/catalog';
import { campaignPage } from '../../../server/campaigns';
import { actionHandler } from '../../../server/handler';

export const main = actionHandler(
  'catalog',
  {
    list: (request) => list(request),
    get: (request) => get(request),
    categories: () => categories(),
    suggest: (request) => suggest(request),
    campaign: (request) => campaignPage(request),
  },
  // Browsing needs no identity (share-card previews, crawlers).
  { anonymous: ['list', 'get', 'categories', 'suggest', 'campaign'] },
);
