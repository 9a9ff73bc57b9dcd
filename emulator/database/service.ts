/**
 * DatabaseService: implements every `database.*` action the SDKs send (docs/reference/cloudbase-wire-protocol.md §5, §7).
 * Handlers receive the parsed JSON body and return the success payload; errors are thrown as
 * CloudBaseError and turned into `{code, message}` envelopes by the hub.
 */
import type { Sqlite } from './sqlite';
import type { DatabaseConfig } from './config';
import { DocumentStore, inMemoryQuery } from './store';
import { geoNearStage } from './geo';
import { runPipeline, type JoinSource } from './lookup';
import { TransactionManager, type Transaction } from './transactions';
import { applyUpdate, replaceDoc, validateUpdate } from './update';
import { decode, encode, type Doc } from '../util/ejson';
import { Errors } from '../util/errors';
import { newDocId } from '../util/ids';
import type { Clock } from '../util/clock';
import type { Writer } from './write-log';

export interface DatabaseOptions {
  useIndexes: boolean;
  autoCreateCollections: boolean;
  /** 'modified' (MongoDB modifiedCount; what the community reports) or 'matched' */
  updatedCounts: 'modified' | 'matched';
  /** how long a non-transactional write waits for a transaction that wrote the same document */
  outsideWriteWaitMs: number;
  transactionLifetimeMs: number;
  clock: Clock;
  /** Who makes the writes of a request (for the write log): decided from its body. */
  writerOf?: (body: Doc) => Writer;
}

export type ActionResult = { data?: unknown; top?: Record<string, unknown> };

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export class DatabaseService {
  readonly store: DocumentStore;
  readonly txns: TransactionManager;

  constructor(db: Sqlite, config: DatabaseConfig, private readonly opts: DatabaseOptions) {
    this.store = new DocumentStore(db, config, opts.useIndexes);
    this.txns = new TransactionManager(this.store, { lifetimeMs: opts.transactionLifetimeMs, outsideWriteWaitMs: opts.outsideWriteWaitMs, clock: opts.clock });
  }

  /** What `$lookup` stages read: only the joined documents that can match (lookup.ts). */
  private readonly joins: JoinSource = {
    has: (name) => this.store.hasCollection(name),
    all: (name) => this.store.all(name),
    find: (name, filter) => this.store.find(name, filter),
  };

  /** Database requests served, per action (read by benchmarks to count a call's round trips). */
  readonly requests: Record<string, number> = {};

  async handle(action: string, body: Doc): Promise<ActionResult> {
    this.requests[action] = (this.requests[action] ?? 0) + 1;
    const now = this.opts.clock.date();
    switch (action) {
      case 'database.addCollection':
        return this.addCollection(body);
      case 'database.insertDocument':
        return this.insert(body, now);
      case 'database.getDocument':
        return this.get(body, now);
      case 'database.calculateDocument':
        return this.count(body, now);
      case 'database.modifyDocument':
        return this.modify(body, now);
      case 'database.modifyAndReturnDoc':
        return this.modifyAndReturn(body, now);
      case 'database.removeDocument':
        return this.remove(body, now);
      case 'database.aggregateDocuments':
        return this.aggregate(body, now);
      case 'database.startTransaction':
        return { top: { transactionId: this.txns.start(typeof body.wxCloudApiToken === 'string' ? body.wxCloudApiToken : undefined).id } };
      case 'database.commitTransaction':
        this.as(body, () => this.txns.commit(body.transactionId));
        return {};
      case 'database.abortTransaction':
        this.txns.abort(body.transactionId);
        return {};
      default:
        throw Errors.invalidParam(`unsupported action ${action}`);
    }
  }

  private coll(body: Doc): string {
    const name = body.collectionName;
    if (typeof name !== 'string' || !name) throw Errors.invalidParam('collectionName is required');
    if (!this.store.hasCollection(name)) {
      if (this.opts.autoCreateCollections) this.store.ensureCollection(name);
      else throw Errors.collectionNotExist(name);
    }
    return name;
  }

  private txnOf(body: Doc): Transaction | undefined {
    return body.transactionId ? this.txns.get(body.transactionId) : undefined;
  }

  private filterOf(body: Doc, now: Date): Doc {
    const q = decode(body.query, now, 'query');
    if (q === undefined) return {};
    if (typeof q !== 'object' || Array.isArray(q)) throw Errors.invalidParam('query must be an object');
    return q;
  }

  private docIdOf(body: Doc, now: Date): unknown {
    const q = this.filterOf(body, now);
    if (q._id === undefined || (typeof q._id === 'object' && q._id !== null)) throw Errors.invalidParam('document query requires a plain _id');
    return q._id;
  }

  /** A non-transactional write: waits for transactions that wrote these documents (transactions.ts rule 8). */
  private outsideWrite<T>(body: Doc, coll: string, ids: () => unknown[], apply: () => T): Promise<T> {
    return this.txns.outsideWrite(coll, ids, () => this.as(body, apply));
  }

  /** Runs a store write (synchronous) as the writer of the request `body`, for the write log. */
  private as<T>(body: Doc, write: () => T): T {
    const observer = this.store.observer;
    return observer && this.opts.writerOf ? observer.as(this.opts.writerOf(body), write) : write();
  }

  private addCollection(body: Doc): ActionResult {
    const name = body.collectionName;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw Errors.invalidParam('invalid collection name');
    if (!this.store.ensureCollection(name)) throw Errors.collectionExists(name);
    return {};
  }

  private async insert(body: Doc, now: Date): Promise<ActionResult> {
    const coll = this.coll(body);
    const raw = Array.isArray(body.data) ? body.data : body.data !== undefined ? [body.data] : [];
    if (raw.length === 0) throw Errors.invalidParam('data is required');
    const docs: Doc[] = raw.map((s: unknown) => {
      const d = decode(s, now, 'data');
      if (!d || typeof d !== 'object' || Array.isArray(d)) throw Errors.invalidParam('each document must be an object');
      if (Object.keys(d).some((k) => k.startsWith('$'))) throw Errors.requestFailed('field names cannot start with $');
      return d._id === undefined ? { _id: newDocId(), ...d } : d;
    });
    const t = this.txnOf(body);
    if (t) {
      for (const d of docs) {
        this.txns.claim(t, coll, d._id);
        if (this.txns.read(t, coll, d._id)) throw Errors.requestFailed(`E11000 duplicate key error collection: ${coll} dup key: { _id: ${JSON.stringify(d._id)} }`);
        this.txns.write(t, coll, d._id, d);
      }
    } else {
      await this.outsideWrite(body, coll, () => docs.map((d) => d._id), () => this.store.atomic(() => docs.forEach((d) => this.store.insert(coll, d))));
    }
    return { data: { insertedIds: docs.map((d) => d._id) } };
  }

  private async get(body: Doc, now: Date): Promise<ActionResult> {
    const coll = this.coll(body);
    const projection = decode(body.projection, now, 'projection') as Doc | undefined;
    const t = this.txnOf(body);
    if (body.queryType === 'DOC') {
      const id = this.docIdOf(body, now);
      let doc: Doc | undefined;
      if (t) doc = this.txns.read(t, coll, id);
      else doc = this.store.getById(coll, id);
      const list = inMemoryQuery(doc ? [doc] : [], {}, { projection }).map(encode);
      return { data: { list, offset: 0, limit: 1 } };
    }
    const filter = this.filterOf(body, now);
    const sort = decode(body.order, now, 'order') as Record<string, number> | undefined;
    const offset = Math.max(0, Number(body.offset) || 0);
    const limit = Math.min(MAX_LIMIT, Math.max(1, Number(body.limit) || DEFAULT_LIMIT));
    let docs: Doc[];
    if (t) {
      // the snapshot plus this transaction's own writes, then filter/sort/page in mingo
      docs = inMemoryQuery(this.txns.view(t, coll, this.store.find(coll, filter)), filter, { sort, skip: offset, limit, projection });
    } else {
      docs = this.store.find(coll, filter, { sort, skip: offset, limit, projection });
    }
    return { data: { list: docs.map(encode), offset, limit } };
  }

  private count(body: Doc, now: Date): ActionResult {
    const coll = this.coll(body);
    return { data: { total: this.store.count(coll, this.filterOf(body, now)) } };
  }

  private countUpdated(modified: boolean): number {
    return modified || this.opts.updatedCounts === 'matched' ? 1 : 0;
  }

  private async modify(body: Doc, now: Date): Promise<ActionResult> {
    const coll = this.coll(body);
    const merge = body.merge !== false;
    const upsert = body.upsert === true;
    const data = decode(body.data, now, 'data');
    const update = merge ? validateUpdate(data) : undefined;
    const t = this.txnOf(body);

    if (body.queryType === 'DOC') {
      const id = this.docIdOf(body, now);
      const run = (cur: Doc | undefined, write: (d: Doc) => void): ActionResult => {
        if (merge) {
          if (!cur) return { data: { updated: 0 } };
          const r = applyUpdate(cur, update!);
          if (r.modified) write(r.doc);
          return { data: { updated: this.countUpdated(r.modified) } };
        }
        const next = replaceDoc(id, data);
        if (cur) {
          write(next);
          return { data: { updated: 1 } };
        }
        if (!upsert) return { data: { updated: 0 } };
        write(next);
        return { data: { updated: 0, upsert_id: id } };
      };
      if (t) {
        this.txns.claim(t, coll, id);
        return run(this.txns.read(t, coll, id), (d) => this.txns.write(t, coll, id, d));
      }
      return this.outsideWrite(body, coll, () => [id], () =>
        this.store.atomic(() => {
          const cur = this.store.getById(coll, id);
          return run(cur, (d) => (cur ? this.store.replace(coll, d) : this.store.insert(coll, d)));
        }),
      );
    }

    // WHERE: never inside a transaction (the SDK does not send transactionId for it, §7.2)
    const filter = this.filterOf(body, now);
    const multi = body.multi !== false;
    const find = () => this.store.find(coll, filter, multi ? {} : { limit: 1 });
    return this.outsideWrite(body, coll, () => find().map((d) => d._id), () =>
      this.store.atomic(() => {
        let updated = 0;
        for (const cur of find()) {
          if (merge) {
            const r = applyUpdate(cur, update!);
            if (r.modified) this.store.replace(coll, r.doc);
            updated += this.countUpdated(r.modified);
          } else {
            this.store.replace(coll, replaceDoc(cur._id, data));
            updated++;
          }
        }
        return { data: { updated } };
      }),
    );
  }

  private async modifyAndReturn(body: Doc, now: Date): Promise<ActionResult> {
    const coll = this.coll(body);
    const update = validateUpdate(decode(body.data, now, 'data'));
    const filter = this.filterOf(body, now);
    const find = () => this.store.find(coll, filter, { limit: 1 });
    return this.outsideWrite(body, coll, () => find().map((d) => d._id), () =>
      this.store.atomic(() => {
        const [cur] = find();
        if (!cur) return { data: { updated: 0, doc: null } };
        const r = applyUpdate(cur, update);
        if (r.modified) this.store.replace(coll, r.doc);
        // findAndModify reports the matched document even when the new value equals the old one.
        return { data: { updated: 1, doc: encode(r.doc) } };
      }),
    );
  }

  private async remove(body: Doc, now: Date): Promise<ActionResult> {
    const coll = this.coll(body);
    const t = this.txnOf(body);
    if (body.queryType === 'DOC') {
      const id = this.docIdOf(body, now);
      if (t) {
        this.txns.claim(t, coll, id);
        if (!this.txns.read(t, coll, id)) return { data: { deleted: 0 } };
        this.txns.write(t, coll, id, null);
        return { data: { deleted: 1 } };
      }
      return this.outsideWrite(body, coll, () => [id], () => ({ data: { deleted: this.store.remove(coll, id) ? 1 : 0 } }));
    }
    const filter = this.filterOf(body, now);
    const multi = body.multi !== false;
    const find = () => this.store.find(coll, filter, multi ? {} : { limit: 1 });
    return this.outsideWrite(body, coll, () => find().map((d) => d._id), () =>
      this.store.atomic(() => {
        let deleted = 0;
        for (const d of find()) if (this.store.remove(coll, d._id)) deleted++;
        return { data: { deleted } };
      }),
    );
  }

  private aggregate(body: Doc, now: Date): ActionResult {
    const coll = this.coll(body);
    if (!Array.isArray(body.stages)) throw Errors.invalidParam('stages must be an array');
    const pipeline: Doc[] = body.stages.map((s: Doc) => {
      if (!s || typeof s.stageKey !== 'string' || !s.stageKey.startsWith('$')) throw Errors.invalidParam('invalid aggregate stage');
      return { [s.stageKey]: decode(s.stageValue, now, `stage ${s.stageKey}`) };
    });
    // A leading $match narrows candidates through the planner/indexes; $geoNear (mingo lacks it)
    // must be the first stage, as in MongoDB.
    let input: Doc[];
    if (pipeline.length && pipeline[0].$geoNear && typeof pipeline[0].$geoNear === 'object') {
      const spec = pipeline.shift()!.$geoNear as Doc;
      input = geoNearStage(this.store.find(coll, spec.query && typeof spec.query === 'object' ? spec.query : {}), spec);
    } else if (pipeline.length && pipeline[0].$match && typeof pipeline[0].$match === 'object') {
      input = this.store.find(coll, pipeline[0].$match);
      pipeline.shift();
    } else input = this.store.all(coll);
    let out: Doc[];
    try {
      out = runPipeline(input, pipeline, this.joins);
    } catch (e) {
      throw Errors.invalidOperator((e as Error).message);
    }
    return { data: { list: out.map(encode) } };
  }

  close(): void {
    this.txns.closeAll();
  }
}
