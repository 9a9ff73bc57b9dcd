/** The console's front end (console/ui/app.ts and the domain modules it imports), bundled in memory. */
import { join } from 'node:path';
import { browserBundle } from '../scripts/browser-bundle';

export const bundleUi = (): Promise<string> => browserBundle(join(__dirname, 'ui', 'app.ts'), { sourcemap: true });
