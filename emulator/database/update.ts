/**
 * Applies CloudBase update payloads with mingo's updater (MongoDB semantics for $set, $inc,
 * $mul, $unset, $push with $each/$position/$sort/$slice, $pull, $pullAll, $addToSet, $pop,
 * $min, $max, $rename, $bit). Replacement (`set`, merge:false) is handled here too.
 */
import { update as mingoUpdate } from 'mingo';
import { queryOptions } from './mongo';
import { Errors } from '../util/errors';
import { clone, type Doc } from '../util/ejson';

const UPDATE_OPS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$push', '$pull', '$pullAll', '$addToSet', '$pop', '$bit', '$currentDate']);

export function validateUpdate(data: unknown): Doc {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw Errors.invalidParam('update data must be an object');
  const keys = Object.keys(data as Doc);
  if (keys.length === 0) throw Errors.invalidParam('update data must not be empty');
  for (const k of keys) {
    if (!k.startsWith('$')) throw Errors.invalidParam(`update data must use operators, got field "${k}"`);
    if (!UPDATE_OPS.has(k)) throw Errors.invalidOperator(`unknown update operator ${k}`);
    const spec = (data as Doc)[k];
    if (!spec || typeof spec !== 'object') throw Errors.invalidParam(`${k} expects an object`);
    for (const f of Object.keys(spec)) if (f === '_id' || f.startsWith('_id.')) throw Errors.invalidParam('_id cannot be updated');
  }
  return data as Doc;
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : v instanceof Date ? 'date' : typeof v);

/**
 * What MongoDB refuses and mingo silently skips (the whole update then writes nothing):
 * - $inc / $mul on a field holding a non-number (text, null, …): "Cannot apply $inc to a value of
 *   non-numeric type" (mingo: {sales: '100'} + {$inc: {sales: 1}} → unchanged, no error);
 * - a path that continues by name through an array ('items.n' on items: [{n: 1}]): "Cannot create
 *   field 'n' in element …" (mingo: unchanged, no error). Numeric steps ('items.0.n') are fine.
 */
export function checkUpdate(doc: Doc, data: Doc): void {
  for (const [op, spec] of Object.entries(data)) {
    for (const field of Object.keys(spec as Doc)) {
      let cur: unknown = doc;
      const parts = field.split('.');
      for (let i = 0; i < parts.length && cur !== undefined; i++) {
        const key = parts[i];
        if (Array.isArray(cur) && !/^\d+$/.test(key)) {
          if (key === '$' || key.startsWith('$[')) break; // positional forms are mingo's to handle
          throw Errors.requestFailed(`Cannot create field '${key}' in element {${parts.slice(0, i).join('.')}: ${JSON.stringify(cur)}}`);
        }
        cur = cur !== null && typeof cur === 'object' ? (cur as Doc)[key] : undefined;
      }
      if ((op === '$inc' || op === '$mul') && cur !== undefined && typeof cur !== 'number') {
        throw Errors.requestFailed(`Cannot apply ${op} to a value of non-numeric type. {_id: ${JSON.stringify(doc._id)}} has the field '${field}' of non-numeric type ${typeName(cur)}`);
      }
    }
  }
}

/** Returns the updated copy and whether anything changed (for `stats.updated`). */
export function applyUpdate(doc: Doc, data: Doc): { doc: Doc; modified: boolean } {
  checkUpdate(doc, data);
  const copy = clone(doc);
  let changed: string[];
  try {
    changed = mingoUpdate(copy, data as any, undefined, undefined, { cloneMode: 'deep', queryOptions });
  } catch (e) {
    throw Errors.invalidOperator((e as Error).message);
  }
  return { doc: copy, modified: changed.length > 0 };
}

/** `doc.set()`: the whole document is replaced, `_id` kept. */
export function replaceDoc(id: unknown, data: unknown): Doc {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw Errors.invalidParam('set data must be an object');
  for (const k of Object.keys(data as Doc)) if (k.startsWith('$')) throw Errors.invalidOperator(`operator ${k} not allowed in set()`);
  const { _id: _ignored, ...rest } = data as Doc;
  return { _id: id, ...rest };
}
