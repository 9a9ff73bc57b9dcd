/**
 * Keyset pagination for the listings (catalog.list, orders.list): a page ends at the last document
 * it read, and the next page is "everything after that document in the sort order" — (sort key, _id)
 * strictly after the last one — instead of "skip N". So a document added, removed or re-ranked while
 * someone scrolls moves only itself: it is shown at most once, and no document whose key did not
 * change is skipped or repeated.
 *
 * Stored sort keys are raw document fields, as hand-edited documents hold them. The database orders
 * mixed types by MongoDB's type order (missing/null < numbers < … < dates), and a range operator only
 * matches its own type, so "after" is spelt per type bracket. Listings accept keys that are missing,
 * numbers or dates; a document whose key holds anything else (text, a list) is outside every bracket
 * and is never listed, so no page can stop on it.
 */
import type { AnyDoc } from './cloud';
import { db } from './cloud';
import { badCursor } from './errors';
import { decodeCursor, encodeCursor, type CursorKey, type CursorPosition } from './ids';

export type Direction = 'asc' | 'desc';

/** A listing's order: one stored sort key, then `_id` to break ties. */
export interface KeysetSort {
  /** Names the sort inside the cursor, so a cursor of one sort is refused by another. */
  name: string;
  field: string;
  direction: Direction;
  idDirection: Direction;
}

type Bracket = 'null' | 'number' | 'date';
/** MongoDB's comparison order of the brackets a listing accepts (BSON type order). */
const BRACKETS: Bracket[] = ['null', 'number', 'date'];
const LOWEST_DATE = new Date(-8.64e15);

function bracketOf(key: CursorKey): Bracket {
  if (key === null) return 'null';
  return typeof key === 'number' ? 'number' : 'date';
}

/** The cursor form of a stored value, or undefined when the value is outside the accepted brackets. */
export function keyOf(value: unknown): CursorKey | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? { d: value.getTime() } : undefined;
  return undefined;
}

function storedValue(key: CursorKey): unknown {
  if (key === null || typeof key === 'number') return key;
  return new Date(key.d);
}

/** Matches every value of one bracket. */
function wholeBracket(bracket: Bracket): unknown {
  const _ = db().command;
  if (bracket === 'null') return _.eq(null);
  if (bracket === 'number') return _.gte(-Number.MAX_VALUE);
  return _.gte(LOWEST_DATE);
}

/** The condition "strictly after `position`" (or "any accepted key" on the first page). */
function afterCondition(sort: KeysetSort, position: CursorPosition | null): AnyDoc {
  const _ = db().command;
  const ahead = (d: Direction) => (d === 'asc' ? 1 : -1);
  const alternatives: AnyDoc[] = [];
  let from = 0;
  if (position) {
    const bracket = bracketOf(position.k);
    const value = storedValue(position.k);
    alternatives.push({ [sort.field]: _.eq(value), _id: sort.idDirection === 'asc' ? _.gt(position.id) : _.lt(position.id) });
    if (bracket !== 'null') alternatives.push({ [sort.field]: sort.direction === 'asc' ? _.gt(value) : _.lt(value) });
    from = BRACKETS.indexOf(bracket) + ahead(sort.direction);
  } else {
    from = sort.direction === 'asc' ? 0 : BRACKETS.length - 1;
  }
  for (let i = from; i >= 0 && i < BRACKETS.length; i += ahead(sort.direction)) {
    alternatives.push({ [sort.field]: wholeBracket(BRACKETS[i]) });
  }
  return _.or(alternatives) as AnyDoc;
}

/** The position a cursor holds, checked against the sort it must belong to; undefined = first page. */
export function readCursor(sort: KeysetSort, cursor: string | undefined): CursorPosition | null {
  if (cursor === undefined) return null;
  const position = decodeCursor(cursor);
  if (position === null || position.s !== sort.name) throw badCursor();
  return position;
}

/** `where` narrowed to the documents after `position`, in the sort's order. */
export function keysetWhere(where: AnyDoc, sort: KeysetSort, position: CursorPosition | null): AnyDoc {
  return db().command.and([where, afterCondition(sort, position)]) as AnyDoc;
}

/** Runs one keyset page query: `limit` documents after `position`, ordered by (key, _id). */
export async function fetchAfter(collection: string, where: AnyDoc, sort: KeysetSort, position: CursorPosition | null, limit: number): Promise<AnyDoc[]> {
  const { data } = await db()
    .collection(collection)
    .where(keysetWhere(where, sort, position))
    .orderBy(sort.field, sort.direction)
    .orderBy('_id', sort.idDirection)
    .limit(limit)
    .get();
  return data;
}

/** The position just after `doc` (a document `fetchAfter` returned, so its key is accepted). */
export function positionAfter(sort: KeysetSort, doc: AnyDoc): CursorPosition {
  const key = keyOf(doc[sort.field]);
  return { s: sort.name, k: key === undefined ? null : key, id: String(doc._id) };
}

export function cursorAfter(sort: KeysetSort, doc: AnyDoc): string {
  return encodeCursor(positionAfter(sort, doc));
}
