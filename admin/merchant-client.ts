/**
 * The one way the merchant tools (admin CLI, console) reach the `merchant` function: `callFunction`
 * with the environment's credentials, so every command works the same on the local cloud and in a real
 * environment. Anything a merchant call needs besides the request (a credential) is added here.
 */
import type { ActionName, ActionReply, ActionRequest } from '../typings/api';
import { callAction } from '../server/call-action';
import { invokeFunction, type Cloud } from './cloud';

export type MerchantAction = ActionName<'merchant'>;

export function callMerchant<A extends MerchantAction>(cloud: Cloud, action: A, request: ActionRequest<'merchant', A>): Promise<ActionReply<'merchant', A>> {
  return callAction(invokeFunction(cloud), 'merchant', action, request);
}
