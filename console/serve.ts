/**
 * Serves the console on its own, for development:
 *   npx tsx console/serve.ts --cloud http://127.0.0.1:9777 [--port 9778] [--env <envId>]
 * Open http://127.0.0.1:9778/console/ (the root redirects there).
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { defaultCloudUrl, localTarget } from '../admin/cloud';
import { createConsole } from './index';
import { withToken } from '../security/guard';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cloud: { type: 'string' }, port: { type: 'string' }, env: { type: 'string' }, host: { type: 'string' } } });
  const target = await localTarget(values.cloud ?? defaultCloudUrl(), values.env);
  const handler = createConsole({ cloudUrl: target.cloudUrl!, envId: target.envId });
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url === '') {
      res.writeHead(302, { location: '/console/' });
      res.end();
      return;
    }
    handler(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    });
  });
  const port = Number(values.port ?? process.env.CONSOLE_PORT ?? 9778);
  const host = values.host ?? '127.0.0.1';
  server.listen(port, host, () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    console.log(`console: ${withToken(`http://${host}:${actual}/console/`, handler.secret)}  (cloud ${target.cloudUrl}, env ${target.envId})`);
  });
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
});
