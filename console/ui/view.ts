import type { MessageKey } from './i18n';

/** One section of the console: a hash route `#/<tab>/...` and its entry in the navigation. */
export interface ConsoleView {
  tab: string;
  /** Its name in the navigation. */
  label: MessageKey;
  /** Renders into the view root; `rest` is the route after the tab (e.g. ['edit', 'p1']). */
  render(rest: string[]): Promise<void>;
}
