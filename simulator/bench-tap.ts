// Measures tap and input round trips through the unmodified miniprogram-automator (median over N
// runs, printed, not asserted). Usage: npx tsx simulator/bench-tap.ts [runs=200] [projectPath]
import { spawn } from 'child_process';
import path from 'path';
import automator from 'miniprogram-automator';
import { freePort } from './free-port';

const runs = Number(process.argv[2] ?? 200);
const projectPath = path.resolve(process.argv[3] ?? path.join(__dirname, '../test/fixtures/simulator-app'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), 'auto', '--project', projectPath, '--auto-port', String(port)], { stdio: 'ignore' });
  let mp: Awaited<ReturnType<typeof automator.connect>> | undefined;
  for (let i = 0; i < 300 && !mp; i++) {
    mp = await automator.connect({ wsEndpoint: `ws://127.0.0.1:${port}` }).catch(async () => {
      await new Promise((r) => setTimeout(r, 100));
      return undefined;
    });
  }
  if (!mp) throw new Error('simulator did not start');
  await mp.callWxMethod('reLaunch', { url: '/pages/index/index' });
  const page = await mp.currentPage();
  const title = await page!.$('.title');
  const input = (await page!.$('input')) as unknown as { input(v: string): Promise<void> };
  const taps: number[] = [];
  const inputs: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = process.hrtime.bigint();
    await title!.tap();
    taps.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    await input.input('v' + i);
    inputs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const taps2 = await page!.data('taps');
  process.stdout.write(`runs=${runs} taps-registered=${taps2}\n`);
  process.stdout.write(`tap   round trip median ${median(taps).toFixed(2)} ms (min ${Math.min(...taps).toFixed(2)}, max ${Math.max(...taps).toFixed(2)})\n`);
  process.stdout.write(`input round trip median ${median(inputs).toFixed(2)} ms (min ${Math.min(...inputs).toFixed(2)}, max ${Math.max(...inputs).toFixed(2)})\n`);
  await mp.close();
  child.kill();
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
