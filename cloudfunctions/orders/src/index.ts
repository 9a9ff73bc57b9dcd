import { actionHandler } from '../../../server/handler';
import { cancel, confirmReceipt, create, get, list, pay, quote } from '../../../server/orders';
import { wxContext } from '../../../server/cloud';
import { fail } from '../../../server/errors';
import { handlePayNotification, isFromPayPlatform, isPayNotification } from '../../../server/payments';
import { handleRefundNotification, isRefundNotification, processDueRefunds } from '../../../server/refunds';
import { isPlainObject } from '../../../server/validate';

const actions = actionHandler('orders', {
  create: (request, caller) => create(caller.openid, request),
  quote: (request) => quote(request),
  list: (request, caller) => list(caller.openid, request),
  get: (request, caller) => get(caller.openid, request),
  cancel: (request, caller) => cancel(caller.openid, request),
  pay: (request, caller) => pay(caller.openid, request),
  confirmReceipt: (request, caller) => confirmReceipt(caller.openid, request),
});

/** The `refunds` timer trigger's event (SCF format: {Type: 'Timer', TriggerName, Time}). */
function isRefundTimer(event: unknown): boolean {
  return isPlainObject(event) && event.action === undefined && event.Type === 'Timer' && event.TriggerName === 'refunds';
}

/**
 * Also the WeChat Pay callback (unifiedOrder's and refund's functionName) and the owed-refunds timer:
 * those events have no action. A refund result also carries outTradeNo and returnCode, so it is told
 * apart first.
 */
export async function main(event: unknown): Promise<unknown> {
  const notification = isRefundNotification(event) ? 'refund' : isPayNotification(event) ? 'payment' : null;
  if (notification) {
    const source = wxContext().SOURCE;
    if (isFromPayPlatform(source)) return notification === 'refund' ? handleRefundNotification(event) : handlePayNotification(event);
    console.warn(`[orders] ${notification} notification from source ${String(source)} refused (only wx_paycallback may deliver one)`);
    return fail('INVALID_ARGUMENT', 'missing action');
  }
  if (isRefundTimer(event) && wxContext().SOURCE === 'wx_trigger') {
    try {
      return { ok: true, data: await processDueRefunds() };
    } catch (error) {
      console.error('[orders.refunds] sweep failed', error);
      return { ok: false, error: { code: 'INTERNAL', message: 'refund sweep failed' } };
    }
  }
  return actions(event);
}
