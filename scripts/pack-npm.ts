// Builds a mini program's miniprogram_npm from its node_modules with miniprogram-ci's packNpm: the
// same builder as DevTools' "构建 npm" (copies each package's `miniprogram` directory, bundles plain
// npm packages into miniprogram_npm/<name>/index.js).
import fs from 'fs';
import path from 'path';

export async function packMiniprogramNpm(projectPath: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ci = require('miniprogram-ci') as {
    Project: new (o: Record<string, unknown>) => unknown;
    packNpm(project: unknown, o: { reporter?: (m: unknown) => void }): Promise<unknown[]>;
  };
  const config = JSON.parse(fs.readFileSync(path.join(projectPath, 'project.config.json'), 'utf8')) as { appid?: string };
  const project = new ci.Project({
    appid: config.appid || 'touristappid',
    type: 'miniProgram',
    projectPath,
    // packNpm never signs anything; the option is required by the constructor only.
    privateKeyPath: '/dev/null',
    ignores: ['node_modules/**/*'],
  });
  await ci.packNpm(project, { reporter: () => undefined });
}
