/**
 * Durability: the CLI (`emulator/cli.ts`) runs as a child process on a fixed --data dir; documents
 * acknowledged before SIGTERM or kill -9 are there after a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

process.env.TENCENTCLOUD = 'true';
process.env.SILENCE = 'true';
const REPO = path.resolve(__dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startCli(port: number, dataDir: string): Promise<ChildProcess> {
  // node --import tsx (not npx) so that the pid we signal IS the emulator process.
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', String(port), '--data', dataDir, '--functions', 'test/fixtures/cloudfunctions', '--no-timers', '--quiet'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 20000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('CloudBase emulator ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
  });
  return child;
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null || c.signalCode ? r(c.exitCode) : c.once('exit', (code) => r(code))));

function sdk(port: number) {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require('wx-server-sdk').createNewInstance({ env: 'local-env', serviceUrl: `http://127.0.0.1:${port}/admin`, secretId: 'x', secretKey: 'y' });
}

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-durable-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test('the CLI prints its URLs and answers health', async () => {
  const port = await freePort();
  const child = await startCli(port, dataDir);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/_emulator/v1/health`);
    expect(await res.json()).toMatchObject({ ok: true, envId: 'local-env', functions: expect.arrayContaining(['echo']) });
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
}, 30000);

test('documents written before SIGTERM are there after a restart on the same --data', async () => {
  const port = await freePort();
  let child = await startCli(port, dataDir);
  const db = sdk(port).database();
  await db.createCollection('durable');
  await db.collection('durable').add({ data: { _id: 'before-term', at: new Date(5), n: 1 } });
  await db.collection('orders').add({ data: { _id: 'o1', status: 'PAID' } });
  child.kill('SIGTERM');
  expect(await exited(child)).toBe(0);
  child = await startCli(port, dataDir);
  try {
    const got = await sdk(port).database().collection('durable').doc('before-term').get();
    expect(got.data).toEqual({ _id: 'before-term', at: new Date(5), n: 1 });
    expect((await sdk(port).database().collection('orders').doc('o1').get()).data.status).toBe('PAID');
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
}, 60000);

test('acknowledged writes survive kill -9 (documents, updates, committed transactions, files)', async () => {
  const port = await freePort();
  let child = await startCli(port, dataDir);
  const cloud = sdk(port);
  const db = cloud.database();
  const _ = db.command;
  await db.createCollection('crash');
  await db.collection('crash').add({ data: Array.from({ length: 50 }, (_x, i) => ({ _id: `d${i}`, i })) });
  await db.collection('crash').doc('d0').update({ data: { i: _.inc(100) } });
  await db.runTransaction(async (t: any) => {
    await t.collection('crash').doc('d1').update({ data: { tx: true } });
  });
  const up = await cloud.uploadFile({ cloudPath: 'crash/file.txt', fileContent: Buffer.from('survives') });
  child.kill('SIGKILL');
  await exited(child);
  child = await startCli(port, dataDir);
  try {
    const db2 = sdk(port).database();
    expect((await db2.collection('crash').count()).total).toBe(50);
    expect((await db2.collection('crash').doc('d0').get()).data.i).toBe(100);
    expect((await db2.collection('crash').doc('d1').get()).data.tx).toBe(true);
    const down = await sdk(port).downloadFile({ fileID: up.fileID });
    expect(Buffer.from(down.fileContent).toString()).toBe('survives');
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
}, 60000);
