// docs/GO-LIVE.md is a checklist a merchant follows against a real environment: every command, path,
// permission, trigger and index it names must exist in the repository as written.
import fs from 'fs';
import path from 'path';

const REPO = path.resolve(__dirname, '../..');
const DOC = fs.readFileSync(path.join(REPO, 'docs/GO-LIVE.md'), 'utf8');
const read = (file: string) => fs.readFileSync(path.join(REPO, file), 'utf8');
const FUNCTIONS = fs.readdirSync(path.join(REPO, 'cloudfunctions')).filter((name) => fs.existsSync(path.join(REPO, 'cloudfunctions', name, 'config.json')));

/** The admin CLI's commands and each one's options, from its command table (admin/cli.ts). */
function adminCommands(): Map<string, Set<string>> {
  const source = read('admin/cli.ts');
  const table = source.slice(source.indexOf('const COMMANDS'));
  const starts = [...table.matchAll(/^ {2}'?([\w:]+)'?: \{\n\s+summary:/gm)];
  const commands = new Map<string, Set<string>>();
  starts.forEach((m, i) => {
    const block = table.slice(m.index, starts[i + 1]?.index ?? table.length);
    const options = /options: \{([^\n]*)\}/.exec(block)?.[1] ?? '';
    commands.set(m[1], new Set([...options.matchAll(/(\w+): \{/g)].map((o) => o[1])));
  });
  return commands;
}

const codeSpans = [...DOC.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);

test('every `npm run admin -- …` names a command of the admin CLI with options it has', () => {
  const commands = adminCommands();
  expect(commands.size).toBeGreaterThan(8);
  const lines = codeSpans.filter((s) => s.startsWith('npm run admin -- '));
  expect(lines.length).toBeGreaterThan(8);
  for (const line of lines) {
    const [command, ...rest] = line.slice('npm run admin -- '.length).split(/\s+/);
    expect([line, commands.has(command)]).toEqual([line, true]);
    const options = rest.filter((w) => w.startsWith('--')).map((w) => w.slice(2));
    for (const option of options) expect([line, option, option === 'env' || option === 'cloud' || commands.get(command)!.has(option)]).toEqual([line, option, true]);
  }
});

test('every npm script and file it names exists', () => {
  const scripts = Object.keys(JSON.parse(read('package.json')).scripts);
  for (const span of codeSpans) {
    const script = /^npm run (\S+)/.exec(span)?.[1];
    if (script) expect([span, scripts.includes(script)]).toEqual([span, true]);
  }
  const paths = codeSpans.flatMap((s) => s.split(/\s+/)).filter((w) => /^[\w.-]+(\/[\w.-]+)+$/.test(w) && !w.endsWith('/'));
  expect(paths.length).toBeGreaterThanOrEqual(4);
  for (const p of paths) expect([p, fs.existsSync(path.join(REPO, p))]).toEqual([p, true]);
  for (const file of codeSpans.filter((w) => /^[\w-]+(\.[\w-]+)*\.(json|ts|md)$/.test(w))) {
    const exists = fs.existsSync(path.join(REPO, file)) || FUNCTIONS.some((fn) => fs.existsSync(path.join(REPO, 'cloudfunctions', fn, file)));
    expect([file, exists]).toEqual([file, true]);
  }
  for (const link of [...DOC.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]).filter((l) => !/^https?:/.test(l))) {
    expect([link, fs.existsSync(path.join(REPO, 'docs', link))]).toEqual([link, true]);
  }
});

test("the permissions and triggers table is each function's config.json", () => {
  const rows = new Map([...DOC.matchAll(/^\s*\| `(\w+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [m[1], { permissions: m[2], triggers: m[3] }]));
  const listed = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort();
  expect([...rows.keys()].sort()).toEqual([...FUNCTIONS].sort());
  for (const fn of FUNCTIONS) {
    const config = JSON.parse(read(`cloudfunctions/${fn}/config.json`));
    expect([fn, listed(rows.get(fn)!.permissions)]).toEqual([fn, [...(config.permissions?.openapi ?? [])].sort()]);
    expect([fn, listed(rows.get(fn)!.triggers)]).toEqual([fn, (config.triggers ?? []).map((t: { name: string }) => t.name).sort()]);
  }
});

const COLLECTIONS: { name: string; indexes?: { name: string }[] }[] = JSON.parse(read('database.config.json')).collections;

test('the indexes, collections, private APIs and components it names are the ones the store declares', () => {
  const indexes = COLLECTIONS.flatMap((c) => (c.indexes ?? []).map((i) => i.name));
  const collections = COLLECTIONS.map((c) => c.name);
  for (const name of codeSpans.filter((s) => /^[a-z]+[A-Z]?\w*_\w+$/.test(s) && s.includes('_') && !s.startsWith('wx'))) {
    expect([name, indexes.includes(name) || collections.includes(name)]).toEqual([name, true]);
  }
  for (const api of JSON.parse(read('miniprogram/app.json')).requiredPrivateInfos as string[]) expect(DOC).toContain(`wx.${api}`);
  expect(fs.existsSync(path.join(REPO, 'miniprogram/pages-shop/components/privacy-popup/index.ts'))).toBe(true);
});

test("the campaigns step's collections table lists each collection with exactly its indexes in database.config.json", () => {
  const rows = [...DOC.matchAll(/^\s*\| `(\w+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)];
  expect(rows.map((m) => m[1])).toEqual(['coupon_templates', 'coupons', 'coupon_claims', 'flash_sales', 'flash_buyers', 'campaigns', 'campaign_visits']);
  for (const [, name, cell] of rows) {
    const declared = COLLECTIONS.find((c) => c.name === name);
    expect([name, declared !== undefined]).toEqual([name, true]);
    const listed = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort();
    expect([name, listed]).toEqual([name, (declared?.indexes ?? []).map((i) => i.name).sort()]);
  }
});
