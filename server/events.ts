/**
 * The event schemas of every action (the validation layer). Pure: `parseEvent('orders', event)` turns a
 * raw event into a typed request or an INVALID_ARGUMENT envelope, with no I/O, so tests can push
 * thousands of malformed events through exactly the code the functions run.
 */
import type { ActionName, ActionRequest, Envelope, FunctionName } from '../typings/api';
import { MAX_LINES, MAX_QTY_PER_LINE } from '../miniprogram/domain/cart';
import { MAX_FEN } from '../miniprogram/domain/money';
import { ORDER_STATUSES } from '../miniprogram/domain/order-state';
import { fail } from './errors';
import { arrayOf, empty, id, int, isPlainObject, obj, oneOf, optional, parse, str, stringMap, type Issue, type Schema } from './validate';

const qty = int(1, MAX_QTY_PER_LINE);
const fen = int(0, MAX_FEN);
const cursor = str({ max: 200, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'a cursor from a previous page' });
const pageSize = int(1, 50);
/** Campaign / channel / store / referral tokens: short and scene-safe. */
const token = str({ max: 32, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'letters, digits, _ or -' });

const address = obj({
  name: str({ max: 50 }),
  phone: str({ max: 20, pattern: /^\+?[0-9][0-9 -]{4,19}$/, patternHint: 'a phone number' }),
  province: str({ max: 50 }),
  city: str({ max: 50 }),
  district: str({ max: 50 }),
  detail: str({ max: 200 }),
  postalCode: optional(str({ max: 6, min: 6, pattern: /^[0-9]{6}$/, patternHint: 'six digits' })),
});

const attribution = obj({
  launchScene: optional(int(1000, 9999)),
  sceneCode: optional(str({ max: 32, pattern: /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/, patternHint: 'a QR scene' })),
  campaign: optional(token),
  channel: optional(token),
  store: optional(token),
  referralCode: optional(token),
});

const orderLine = obj({ productId: id(), skuId: id(), qty, expectedPrice: optional(fen) });
const orderLines = arrayOf(orderLine, 1, MAX_LINES);
const orderId = obj({ orderId: id() });

const pagePath = str({ max: 128, pattern: /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, patternHint: 'a page path without leading / or query', trim: false });

// Typed against the contract: a schema whose output does not fit the action's request type fails the build.
type SchemaMap = { [F in FunctionName]: { [A in ActionName<F>]: Schema<ActionRequest<F, A>> } };

export const EVENT_SCHEMAS: SchemaMap = {
  catalog: {
    list: obj({
      categoryId: optional(id()),
      keyword: optional(str({ min: 0, max: 50 })),
      sort: optional(oneOf(['newest', 'sales', 'price_asc', 'price_desc'] as const)),
      cursor: optional(cursor),
      pageSize: optional(pageSize),
    }),
    get: obj({ productId: id() }),
    categories: empty,
  },
  inventory: {
    check: obj({
      lines: arrayOf(obj({ productId: id(), skuId: id(), qty, seenPrice: optional(fen) }), 1, MAX_LINES),
    }),
  },
  orders: {
    create: obj({
      requestId: str({ max: 64, pattern: /^[A-Za-z0-9_.:-]+$/, patternHint: 'letters, digits or _.:-', trim: false }),
      lines: orderLines,
      address,
      remark: optional(str({ min: 0, max: 200 })),
      attribution: optional(attribution),
    }),
    quote: obj({ lines: orderLines }),
    list: obj({ status: optional(oneOf(ORDER_STATUSES)), cursor: optional(cursor), pageSize: optional(pageSize) }),
    get: orderId,
    cancel: orderId,
    pay: orderId,
    confirmReceipt: orderId,
  },
  scenes: {
    create: obj({
      target: obj({
        page: pagePath,
        query: stringMap({
          maxKeys: 8,
          key: str({ max: 32, pattern: /^[A-Za-z][A-Za-z0-9_]*$/, patternHint: 'a parameter name', trim: false }),
          value: str({ max: 128, trim: false }),
        }),
      }),
      campaign: optional(token),
      channel: optional(token),
      store: optional(token),
    }),
    resolve: obj({ scene: str({ max: 96, trim: false }) }),
    referralCode: empty,
  },
};

export type ParsedEvent<F extends FunctionName> = {
  [A in ActionName<F>]: { ok: true; action: A; request: ActionRequest<F, A> };
}[ActionName<F>];

export function describeIssues(issues: Issue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path || 'request'} ${issue.problem}`)
    .join('; ');
}

/** Validates an event for a function: a known action and a well-formed request, or an error envelope. */
export function parseEvent<F extends FunctionName>(fn: F, event: unknown): ParsedEvent<F> | { ok: false; envelope: Envelope<never> } {
  if (!isPlainObject(event)) {
    return { ok: false, envelope: fail('INVALID_ARGUMENT', 'event must be an object') };
  }
  const schemas = EVENT_SCHEMAS[fn] as Record<string, Schema<unknown>>;
  const action = event.action;
  if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(schemas, action)) {
    return {
      ok: false,
      envelope: fail('INVALID_ARGUMENT', `unknown action; expected one of ${Object.keys(schemas).join(', ')}`, {
        issues: [{ path: 'action', problem: 'is not a known action' }],
      }),
    };
  }
  const parsed = parse(schemas[action], event);
  if (!parsed.ok) {
    return { ok: false, envelope: fail('INVALID_ARGUMENT', `invalid request: ${describeIssues(parsed.issues)}`, { issues: parsed.issues.slice(0, 20) }) };
  }
  return { ok: true, action, request: parsed.value } as unknown as ParsedEvent<F>;
}
