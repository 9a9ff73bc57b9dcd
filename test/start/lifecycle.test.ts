/**
 * `npm start` as a developer runs and stops it: a signal to the npm process ends the whole process tree
 * and frees both ports (nothing keeps serving after the command is gone), and a port that is already
 * taken gets a plain message naming it and the variable that moves it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../simulator/free-port';

jest.setTimeout(120_000);

const root = resolve(__dirname, '../..');
const started: ChildProcess[] = [];
const dataDirs: string[] = [];

afterAll(() => {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // whatever a failed test left behind
    } catch {
      // already gone, as it should be
    }
  }
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` exactly as typed, in its own process group so the test can see the whole tree. */
function npmStart(env: Record<string, string>): Run {
  const dataDir = mkdtempSync(join(tmpdir(), 'store-lifecycle-'));
  dataDirs.push(dataDir);
  const child = spawn('npm', ['start'], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => out, exited };
}

async function until(what: string, check: () => boolean | Promise<boolean>, run: Run): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen; npm start printed:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const portFree = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

test.each(['SIGTERM', 'SIGHUP'] as const)('%s to the npm start process stops the whole tree and frees both ports', async (signal) => {
  const cloudPort = await freePort();
  const previewPort = await freePort();
  const run = npmStart({ CLOUD_PORT: String(cloudPort), PREVIEW_PORT: String(previewPort) });
  await until('the store line', () => /^store\s+http/m.test(run.output()), run);
  expect(await portFree(cloudPort)).toBe(false);
  expect(await portFree(previewPort)).toBe(false);

  process.kill(run.child.pid!, signal); // the npm process only, as `kill <pid>` or a supervisor does
  await run.exited;
  await until('every process of npm start to exit', () => !groupAlive(run.child.pid!), run);
  expect(await portFree(cloudPort)).toBe(true);
  expect(await portFree(previewPort)).toBe(true);
});

async function hold(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return server;
}

test.each([
  ['CLOUD_PORT', 'local cloud'],
  ['PREVIEW_PORT', 'store preview'],
])('a busy %s says which port and how to choose another', async (variable, what) => {
  const cloudPort = await freePort();
  const previewPort = await freePort();
  const busy = await hold(variable === 'CLOUD_PORT' ? cloudPort : previewPort);
  try {
    const run = npmStart({ CLOUD_PORT: String(cloudPort), PREVIEW_PORT: String(previewPort) });
    expect(await run.exited).toBe(1);
    const port = variable === 'CLOUD_PORT' ? cloudPort : previewPort;
    expect(run.output()).toContain(`port ${port} (${what}) is already in use`);
    expect(run.output()).toContain(`${variable}=${port + 10} npm start`);
    expect(run.output()).not.toMatch(/EADDRINUSE|^\s+at /m);
    await until('every process of npm start to exit', () => !groupAlive(run.child.pid!), run);
    expect(await portFree(cloudPort)).toBe(variable !== 'CLOUD_PORT');
  } finally {
    await new Promise((done) => busy.close(done));
  }
});
