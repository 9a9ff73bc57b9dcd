import type { EventEmitter } from 'events';
import type { Router } from '../runtime/router';
import type { EnterOptions, SimState } from '../runtime/state';

/** What the wx implementation needs from the running app. */
export interface WxContext {
  state: SimState;
  router: Router;
  track: (p: Promise<unknown>) => void;
  /** the app.json `window`/`tabBar` config */
  appJson: { tabBar?: { list: { pagePath: string; text?: string }[] }; window?: Record<string, unknown>; requiredPrivateInfos?: string[] };
  /** project.config.json `libVersion`: the base library the project targets (wx's SDKVersion) */
  libVersion?: string;
  /** app-level events (AppShow, AppHide, Error, ...) for wx.onAppShow & co. */
  appEvents: EventEmitter;
  /** the app goes to the background and comes back with these options (another mini program's answer) */
  returnFromOtherApp?: (opts: EnterOptions) => Promise<void>;
  /** the project's miniprogramRoot (for image/file paths) */
  root: string;
}
