/**
 * Collection import/export in the WeChat cloud console's JSON Lines format: one document per
 * line, relaxed EJSON (dates as {"$date": "<ISO>"}), so files round-trip with the real console.
 */
import type { DocumentStore } from './store';
import { decodeRelaxedLine, encodeRelaxed } from '../util/ejson';
import { newDocId } from '../util/ids';

export function exportCollection(store: DocumentStore, coll: string): string {
  return store
    .all(coll)
    .map((d) => encodeRelaxed(d))
    .join('\n') + '\n';
}

/** mode 'upsert' replaces documents with the same _id; 'insert' fails those lines. */
export function importCollection(store: DocumentStore, coll: string, text: string, mode: 'insert' | 'upsert') {
  store.ensureCollection(coll);
  let imported = 0;
  const errors: Array<{ line: number; message: string }> = [];
  store.atomic(() => {
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const doc = decodeRelaxedLine(line);
        if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('line is not a JSON object');
        if (doc._id === undefined) doc._id = newDocId();
        if (mode === 'upsert') store.upsertRaw(coll, doc);
        else store.insert(coll, doc);
        imported++;
      } catch (e) {
        errors.push({ line: i + 1, message: (e as Error).message });
      }
    });
  });
  return { imported, errors };
}
