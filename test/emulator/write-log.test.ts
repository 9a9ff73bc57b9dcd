/**
 * The database's write log (/_emulator/v1/database/writelog): every committed write that changed a
 * watched field, whatever path it took (add, doc update, where-update, transaction commit, remove),
 * with the watched fields before and after; writes of other fields and rolled-back writes are not in it.
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud();

const log = async (since = 0) => (await cloud.local('GET', `/database/writelog?collection=wl_docs&since=${since}`)).json;

beforeAll(async () => {
  await cloud.wx().database().createCollection('wl_docs');
});

test('watched fields: each path of writing is logged once with before and after; other fields and rollbacks are not', async () => {
  expect((await cloud.local('POST', '/database/writelog', { collection: 'wl_docs', fields: ['state', 'meta.by'] })).json).toEqual({ collection: 'wl_docs', fields: ['state', 'meta.by'] });
  const db = cloud.wx().database();
  await db.collection('wl_docs').add({ data: { _id: 'd1', state: 'new', note: 'a', meta: { by: 'x' } } });
  await db.collection('wl_docs').doc('d1').update({ data: { note: 'b' } }); // not a watched field
  await db.collection('wl_docs').where({ _id: 'd1', state: 'new' }).update({ data: { state: 'open' } });

  const node = cloud.node().database();
  const committed = await node.startTransaction();
  await committed.collection('wl_docs').doc('d1').update({ state: 'closed', 'meta.by': 'y' });
  await committed.commit();
  const rolledBack = await node.startTransaction();
  await rolledBack.collection('wl_docs').doc('d1').update({ state: 'reopened' });
  await rolledBack.rollback();
  await db.collection('wl_docs').doc('d1').remove();

  const { entries, dropped, watching } = await log();
  expect(dropped).toBe(0);
  expect(watching).toEqual({ wl_docs: ['state', 'meta.by'] });
  expect(entries.map((e: any) => ({ op: e.op, id: e.id, before: e.before, after: e.after }))).toEqual([
    { op: 'insert', id: 'd1', before: null, after: { state: 'new', 'meta.by': 'x' } },
    { op: 'update', id: 'd1', before: { state: 'new', 'meta.by': 'x' }, after: { state: 'open', 'meta.by': 'x' } },
    { op: 'update', id: 'd1', before: { state: 'open', 'meta.by': 'x' }, after: { state: 'closed', 'meta.by': 'y' } },
    { op: 'remove', id: 'd1', before: { state: 'closed', 'meta.by': 'y' }, after: null },
  ]);
  // `since` returns only what came after an entry.
  expect((await log(entries[1].seq)).entries.map((e: any) => e.op)).toEqual(['update', 'remove']);
});

test('each entry names its writer: a function (its invocation), the environment\'s credentials, or the local endpoints', async () => {
  await cloud.wx().database().createCollection('counters');
  expect((await cloud.local('POST', '/database/writelog', { collection: 'counters', fields: ['n'] })).status).toBe(200);
  await cloud.node().database().collection('counters').add({ _id: 'c1', n: 0 }); // an admin script
  const invoked = await cloud.invoke('txinc', { id: 'c1' }, { openid: 'oW' }); // a function, in a transaction
  expect(invoked.result).toEqual({ n: 1 });
  const node = cloud.node().database();
  const tx = await node.startTransaction(); // an admin script's transaction
  await tx.collection('counters').doc('c1').update({ n: 5 });
  await tx.commit();
  expect((await cloud.local('POST', '/database/counters:import', { _id: 'c2', n: 1 })).status).toBe(200); // a JSON Lines import

  const { entries } = (await cloud.local('GET', '/database/writelog?collection=counters')).json;
  expect(entries.map((e: any) => [e.id, e.after, e.writer])).toEqual([
    ['c1', { n: 0 }, { kind: 'admin' }],
    ['c1', { n: 1 }, { kind: 'function', functionName: 'txinc', requestId: invoked.requestId }],
    ['c1', { n: 5 }, { kind: 'admin' }],
    ['c2', { n: 1 }, { kind: 'local' }],
  ]);

  // `*` watches the whole document: a write of any field is logged.
  expect((await cloud.local('POST', '/database/writelog', { collection: 'counters', fields: ['*'] })).status).toBe(200);
  await cloud.node().database().collection('counters').doc('c2').update({ note: 'x' });
  const whole = (await cloud.local('GET', '/database/writelog?collection=counters')).json.entries;
  expect(whole.map((e: any) => [e.before, e.after])).toEqual([[{ '*': { _id: 'c2', n: 1 } }, { '*': { _id: 'c2', n: 1, note: 'x' } }]]);
});

test('a bad watch request is refused; clearing stops the log', async () => {
  for (const body of [{ collection: 'wl_docs', fields: [] }, { collection: 'wl docs', fields: ['a'] }, { collection: 'wl_docs', fields: ['a b'] }, {}]) {
    expect(await cloud.local('POST', '/database/writelog', body)).toMatchObject({ status: 400, json: { error: { code: 'INVALID_PARAM' } } });
  }
  expect((await cloud.local('POST', '/database/writelog:clear')).status).toBe(200);
  await cloud.wx().database().collection('wl_docs').add({ data: { _id: 'd2', state: 'new' } });
  expect(await log()).toMatchObject({ entries: [], watching: {} });
});
