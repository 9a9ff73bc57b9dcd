// Regenerates the wx API table in simulator/README.md from the simulator's code.
import fs from 'fs';
import path from 'path';
import { withApiTable } from '../simulator/wx/api-table';

const readme = path.join(__dirname, '..', 'simulator', 'README.md');
fs.writeFileSync(readme, withApiTable(fs.readFileSync(readme, 'utf8')));
console.log(`updated ${path.relative(process.cwd(), readme)}`);
