import { actionHandler } from '../../../server/handler';
import { check } from '../../../server/inventory';

export const main = actionHandler('inventory', { check: (request) => check(request) }, { anonymous: ['check'] });
