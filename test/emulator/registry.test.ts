/**
 * The service registry: an emulated API plugs in through one ServiceFactory — its wire action,
 * its /_emulator/v1 route, its own table, its health fields and its shutdown — and the built-in
 * services keep working beside it.
 */
import { startCloud, type CloudHandle } from '../helpers/cloud';
import { SERVICES } from '../../emulator/services';
import { CloudBaseError } from '../../emulator/util/errors';
import type { ServiceFactory } from '../../emulator/registry';

let closed = 0;
const greeter: ServiceFactory = (ctx) => {
  ctx.db.exec('CREATE TABLE IF NOT EXISTS greetings (name TEXT NOT NULL)');
  const add = ctx.db.prepare('INSERT INTO greetings (name) VALUES (?)');
  const count = () => (ctx.db.prepare('SELECT COUNT(*) AS n FROM greetings').get() as { n: number }).n;
  return {
    name: 'greeter',
    api: { count },
    actions: {
      'greeter.hello': (body) => {
        if (typeof body.name !== 'string' || !body.name) throw new CloudBaseError('INVALID_PARAM', 'name is required');
        add.run(body.name);
        return { data: { greeting: `hello ${body.name}` } };
      },
    },
    routes: [{ control: true, method: 'GET', path: /^\/greeter\/([^/]+)$/, handle: ({ params: [name] }) => ({ json: { name, count: count() } }) }],
    status: () => ({ greetings: count() }),
    close: () => void closed++,
  };
};

let cloud: CloudHandle;
beforeAll(async () => {
  cloud = await startCloud({ services: [...SERVICES, greeter] });
});
afterAll(() => cloud?.stop());

const admin = async (body: unknown) => (await fetch(cloud.adminUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();

test('a registered service answers its own action, route and health fields', async () => {
  const ok = await admin({ action: 'greeter.hello', name: '小明' });
  expect(ok).toMatchObject({ data: { greeting: 'hello 小明' } });
  expect(typeof ok.requestId).toBe('string');
  expect(await admin({ action: 'greeter.hello' })).toMatchObject({ code: 'INVALID_PARAM' });
  expect(await cloud.local('GET', '/greeter/%E5%B0%8F%E6%98%8E')).toEqual({ status: 200, json: { name: '小明', count: 1 } });
  const health = await cloud.local('GET', '/health');
  expect(health.json).toMatchObject({ ok: true, greetings: 1 });
  expect(health.json.collections).toEqual(expect.any(Array));
  expect(health.json.functions).toEqual(expect.any(Array));
});

test('built-in services still answer beside it; unknown actions and routes are refused', async () => {
  const db = cloud.node().database();
  await db.createCollection('registry_probe');
  await db.collection('registry_probe').add({ a: 1 });
  expect((await db.collection('registry_probe').count()).total).toBe(1);
  expect(await admin({ action: 'greeter.bye' })).toMatchObject({ code: 'INVALID_PARAM' });
  expect((await cloud.local('GET', '/greeter')).status).toBe(404);
});

test('an action claimed twice is refused at start, and stop closes every service once', async () => {
  const twin: ServiceFactory = (ctx) => ({ ...greeter(ctx), name: 'twin' });
  await expect(startCloud({ services: [...SERVICES, greeter, twin] })).rejects.toThrow(/greeter.hello claimed twice/);
  const before = closed;
  const other = await startCloud({ services: [...SERVICES, greeter] });
  await other.stop();
  expect(closed).toBe(before + 1);
});
