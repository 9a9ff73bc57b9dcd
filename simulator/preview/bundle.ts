/** The preview's front end (ui/app.ts with morphdom and jsQR), bundled in memory. */
import path from 'path';
import { browserBundle } from '../../scripts/browser-bundle';

export const bundlePreviewUi = (): Promise<string> => browserBundle(path.join(__dirname, 'ui', 'app.ts'));
