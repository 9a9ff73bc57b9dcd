import { actionHandler } from '../../../server/handler';
import { cancel, confirmReceipt, create, get, list, pay, quote } from '../../../server/orders';
import { wxContext } from '../../../server/cloud';
import { fail } from '../../../server/errors';
import { handlePayNotification, isFromPayPlatform, isPayNotification } from '../../../server/payments';

const actions = actionHandler('orders', {
  create: (request, caller) => create(caller.openid, request),
  quote: (request) => quote(request),
  list: (request, caller) => list(caller.openid, request),
  get: (request, caller) => get(caller.openid, request),
  cancel: (request, caller) => cancel(caller.openid, request),
  pay: (request, caller) => pay(caller.openid, request),
  confirmReceipt: (request, caller) => confirmReceipt(caller.openid, request),
});

/** Also the WeChat Pay callback (unifiedOrder's functionName): that event has no action, only pay fields. */
export async function main(event: unknown): Promise<unknown> {
  if (isPayNotification(event)) {
    const source = wxContext().SOURCE;
    if (isFromPayPlatform(source)) return handlePayNotification(event);
    console.warn(`[orders] payment notification from source ${String(source)} refused (only wx_paycallback may deliver one)`);
    return fail('INVALID_ARGUMENT', 'missing action');
  }
  return actions(event);
}
