/**
 * Bad input: malformed bodies, unknown actions/operators, oversized documents and requests get
 * CloudBase-shaped errors (HTTP 200 + {requestId, code, message}); the emulator keeps serving.
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud();

async function post(body: string | Buffer, contentType = 'application/json') {
  const res = await fetch(`${cloud.adminUrl}?env=${cloud.envId}&seqId=x_1`, { method: 'POST', headers: { 'content-type': contentType }, body: body as any });
  return { status: res.status, json: (await res.json()) as any };
}
const action = (o: object) => post(JSON.stringify({ envName: cloud.envId, ...o }));

beforeAll(async () => {
  await cloud.wx().database().createCollection('bad');
});

test('malformed JSON body → INVALID_PARAM, HTTP 200', async () => {
  const r = await post('{"action": "database.getDocument", ');
  expect(r.status).toBe(200);
  expect(r.json).toMatchObject({ requestId: expect.any(String), code: 'INVALID_PARAM', message: expect.stringContaining('malformed') });
});

test('non-object JSON and missing action → INVALID_PARAM', async () => {
  expect((await post('[1,2]')).json.code).toBe('INVALID_PARAM');
  expect((await post('{}')).json).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('unsupported action') });
});

test('unknown action → INVALID_PARAM naming it', async () => {
  const r = await action({ action: 'database.dropEverything' });
  expect(r.json).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('database.dropEverything') });
  expect((await action({ action: 'foo.bar' })).json.message).toContain('foo.bar');
});

test('unknown query operator → DATABASE_INVALID_OPERRATOR', async () => {
  const r = await action({ action: 'database.getDocument', collectionName: 'bad', queryType: 'WHERE', query: '{"a":{"$frobnicate":1}}', limit: 10 });
  expect(r.json.code).toBe('DATABASE_INVALID_OPERRATOR');
});

test('unknown update operator → DATABASE_INVALID_OPERRATOR; updating _id → INVALID_PARAM', async () => {
  const r = await action({ action: 'database.modifyDocument', collectionName: 'bad', queryType: 'WHERE', query: '{}', data: '{"$explode":{"a":1}}', multi: true, merge: true });
  expect(r.json.code).toBe('DATABASE_INVALID_OPERRATOR');
  const id = await action({ action: 'database.modifyDocument', collectionName: 'bad', queryType: 'WHERE', data: '{"$set":{"_id":"x"}}', multi: true, merge: true });
  expect(id.json.code).toBe('INVALID_PARAM');
});

test('unknown aggregate stage → DATABASE_INVALID_OPERRATOR', async () => {
  const r = await action({ action: 'database.aggregateDocuments', collectionName: 'bad', stages: [{ stageKey: '$teleport', stageValue: '{}' }] });
  expect(r.json.code).toBe('DATABASE_INVALID_OPERRATOR');
});

test('malformed EJSON inside a field → INVALID_PARAM', async () => {
  const r = await action({ action: 'database.getDocument', collectionName: 'bad', queryType: 'WHERE', query: '{"a":', limit: 10 });
  expect(r.json).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('query') });
  const ins = await action({ action: 'database.insertDocument', collectionName: 'bad', data: ['not json'] });
  expect(ins.json.code).toBe('INVALID_PARAM');
});

test('a document over 16 MB is refused (EXCEED_REQUEST_LIMIT → -501003) and nothing is stored', async () => {
  const db = cloud.wx().database();
  const big = 'x'.repeat(17 * 1024 * 1024);
  await expect(db.collection('bad').add({ data: { _id: 'huge', big } })).rejects.toMatchObject({ errCode: -501003 });
  expect((await db.collection('bad').where({ _id: 'huge' }).count()).total).toBe(0);
}, 30000);

test('a request body over the limit is refused with EXCEED_REQUEST_LIMIT', async () => {
  const r = await post(Buffer.alloc(50 * 1024 * 1024, 0x20));
  expect(r.json.code).toBe('EXCEED_REQUEST_LIMIT');
}, 30000);

test('malformed multipart → INVALID_PARAM', async () => {
  const r = await post('garbage', 'multipart/form-data');
  expect(r.json.code).toBe('INVALID_PARAM');
});

test('local endpoints answer malformed JSON with a 400 error object', async () => {
  const r = await cloud.local('POST', '/functions/echo:invoke', '{"event": ');
  expect(r.status).toBe(400);
  expect(r.json.error.code).toBe('INVALID_PARAM');
  expect((await cloud.local('GET', '/nope')).status).toBe(404);
});

test('doc queries without a plain _id are rejected, not crashed on', async () => {
  const r = await action({ action: 'database.getDocument', collectionName: 'bad', queryType: 'DOC', query: '{"name":"x"}' });
  expect(r.json.code).toBe('INVALID_PARAM');
  const t = await action({ action: 'database.commitTransaction', transactionId: 'no-such-tx' });
  expect(t.json.code).toBe('DATABASE_TRANSACTION_FAIL');
});

test('after all of that the emulator still serves SDK calls', async () => {
  const health = await cloud.local('GET', '/health');
  expect(health.json.ok).toBe(true);
  const db = cloud.wx().database();
  await db.collection('bad').add({ data: { _id: 'fine', ok: true } });
  expect((await db.collection('bad').doc('fine').get()).data.ok).toBe(true);
});
