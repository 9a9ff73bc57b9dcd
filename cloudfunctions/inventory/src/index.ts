import { actionHandler } from '../../../server/handler';
import { check, expireDueOrders } from '../../../server/inventory';
import { isPlainObject } from '../../../server/validate';

const actions = actionHandler('inventory', { check: (request) => check(request) }, { anonymous: ['check'] });

/** The timer trigger's event (SCF format: {Type: 'Timer', TriggerName, Time}). */
function isTimerEvent(event: unknown): boolean {
  return isPlainObject(event) && event.action === undefined && (event.Type === 'Timer' || event.TriggerName === 'expireOrders');
}

export async function main(event: unknown): Promise<unknown> {
  if (isTimerEvent(event)) {
    try {
      return { ok: true, data: await expireDueOrders() };
    } catch (error) {
      console.error('[inventory.expire] sweep failed', error);
      return { ok: false, error: { code: 'INTERNAL', message: 'expiry sweep failed' } };
    }
  }
  return actions(event);
}
