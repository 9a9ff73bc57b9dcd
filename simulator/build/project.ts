// Reads the DevTools project files the way DevTools does: project.private.config.json overrides
// project.config.json (shallow per top-level key, deep for `setting`/`condition`).
import fs from 'fs';
import path from 'path';
import { checkAppJsonPackages } from './packages';

export interface CompileCondition {
  name?: string;
  pathName: string;
  query?: string;
  scene?: number | null;
  launchMode?: string;
  referrerInfo?: { appId?: string; extraData?: unknown };
  shareTicket?: string;
}

export interface ProjectConfig {
  miniprogramRoot?: string;
  libVersion?: string;
  setting?: { useCompilerPlugins?: unknown[] } & Record<string, unknown>;
  condition?: { miniprogram?: { list?: CompileCondition[]; current?: number } };
}

export interface TabBarItem { pagePath: string; text?: string; iconPath?: string; selectedIconPath?: string }

export interface AppJson {
  pages: string[];
  entryPagePath?: string;
  window?: Record<string, unknown>;
  tabBar?: { list: TabBarItem[]; custom?: boolean } & Record<string, unknown>;
  usingComponents?: Record<string, string>;
  requiredPrivateInfos?: string[];
  subpackages?: { root: string; pages: string[] }[];
  subPackages?: { root: string; pages: string[] }[];
  preloadRule?: Record<string, { network?: string; packages?: string[] }>;
}

export interface Project {
  projectPath: string;
  /** absolute miniprogramRoot, no trailing slash */
  root: string;
  config: ProjectConfig;
  appJson: AppJson;
  /** every page route, main package and subpackages, without leading slash */
  pages: string[];
  tabPages: string[];
}

function readJson<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function readProject(projectPath: string): Project {
  const abs = path.resolve(projectPath);
  const base = readJson<ProjectConfig>(path.join(abs, 'project.config.json'));
  if (!base) throw new Error(`project.config.json not found in ${abs}`);
  const priv = readJson<ProjectConfig>(path.join(abs, 'project.private.config.json')) ?? {};
  const config: ProjectConfig = {
    ...base,
    ...priv,
    setting: { ...(base.setting ?? {}), ...(priv.setting ?? {}) },
    // A private condition with a list shadows the shared one (docs: projectconfig.html).
    condition: priv.condition?.miniprogram?.list?.length ? priv.condition : base.condition,
  };
  const root = path.resolve(abs, config.miniprogramRoot ?? '.');
  const appJson = readJson<AppJson>(path.join(root, 'app.json'));
  if (!appJson) throw new Error(`app.json not found in ${root}`);
  // DevTools refuses to compile these; so does the simulator.
  const problems = checkAppJsonPackages(appJson);
  if (problems.length) throw new Error(problems.join('\n'));
  const pages = [...appJson.pages];
  for (const sub of [...(appJson.subpackages ?? []), ...(appJson.subPackages ?? [])]) {
    for (const p of sub.pages) pages.push(path.posix.join(sub.root, p));
  }
  const tabPages = (appJson.tabBar?.list ?? []).map((t) => t.pagePath.replace(/^\//, ''));
  return { projectPath: abs, root, config, appJson, pages, tabPages };
}

/** The active compile condition (DevTools "custom compile"), if any. */
export function activeCondition(config: ProjectConfig): CompileCondition | undefined {
  const mp = config.condition?.miniprogram;
  if (!mp?.list?.length) return undefined;
  const idx = typeof mp.current === 'number' && mp.current >= 0 ? mp.current : -1;
  return idx >= 0 ? mp.list[idx] : undefined;
}
