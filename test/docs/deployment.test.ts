// docs/DEPLOYMENT.md tells a merchant which indexes to create by hand in the real console: its table must
// be exactly what database.config.json declares (the local cloud builds its indexes from that file).
import fs from 'fs';
import { DATABASE_CONFIG, DEPLOYMENT_MD, readConfig, renderIndexTable, tableIn } from '../../scripts/docs-indexes';

test("DEPLOYMENT.md's index table equals database.config.json (regenerate with npm run docs:indexes)", () => {
  const table = tableIn(fs.readFileSync(DEPLOYMENT_MD, 'utf8'));
  expect(table).toBe(renderIndexTable(readConfig(DATABASE_CONFIG)));
});

test('the table lists every declared index, one row each', () => {
  const config = readConfig(DATABASE_CONFIG);
  const declared = config.collections.flatMap((c) => (c.indexes ?? []).map((i) => `| \`${c.name}\` | \`${i.name}\` |`));
  const rows = (tableIn(fs.readFileSync(DEPLOYMENT_MD, 'utf8')) ?? '').split('\n').slice(2);
  expect(rows.map((r) => r.split(' | ').slice(0, 2).join(' | ') + ' |')).toEqual(declared);
});
