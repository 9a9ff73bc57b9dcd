/**
 * The admin CLI talks to the cloud `npm start` runs: with CLOUD_PORT set for both, it needs no --cloud.
 */
import { useCloud } from '../helpers/cloud';
import { runCli } from '../admin/run-cli';

jest.setTimeout(60_000);

const cloud = useCloud();

test('the admin CLI follows CLOUD_PORT', async () => {
  await cloud.node().database().collection('products').add({ _id: 'on-cloud-port', name: '端口上的商品' });
  const port = new URL(cloud.url).port;
  const r = await runCli(['export', 'products', '--format', 'jsonl'], { CLOUD_PORT: port, CLOUD_URL: '' });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('"_id":"on-cloud-port"');
});
