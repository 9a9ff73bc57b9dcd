/**
 * The console's front end: vanilla TypeScript, bundled by esbuild when the console starts. Hash routes
 * `#/<tab>/...`, one per view in ./views.ts. Every URL it calls is relative, so the console works under
 * any mount prefix.
 */
import { client, setPageReads } from './client';
import { h, viewRoot } from './dom';
import { errorText, lang, type Lang, setLang, t } from './i18n';
import { DEFAULT_TAB, NAV_GROUPS, VIEWS } from './views';

let routeSeq = 0;

function currentTab(): string {
  return location.hash.replace(/^#\/?/, '').split('/')[0] || DEFAULT_TAB;
}

/** The page chrome in the current language: title, navigation, the language switch. */
function renderChrome(): void {
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app.title');
  document.getElementById('app-title')!.textContent = t('app.title');
  const tab = currentTab();
  const nav = document.getElementById('nav')!;
  nav.setAttribute('aria-label', t('app.sections'));
  nav.replaceChildren(
    ...NAV_GROUPS.map((g) =>
      h(
        'div',
        { class: 'nav-group' },
        h('span', { class: 'nav-group-label' }, t(g.label)),
        ...g.views.map((v) => h('a', { href: `#/${v.tab}`, dataset: { tab: v.tab }, 'aria-current': v.tab === tab ? 'page' : false }, t(v.label))),
      ),
    ),
  );
  // On a narrow screen the navigation is a menu behind a button that names the current section.
  const current = VIEWS.find((v) => v.tab === tab);
  const toggle = document.getElementById('nav-toggle')!;
  document.getElementById('nav-current')!.textContent = current ? t(current.label) : t('app.sections');
  toggle.setAttribute('aria-label', t('nav.menu'));
  setMenuOpen(false);
  const other: Lang = lang() === 'zh' ? 'en' : 'zh';
  const button = document.getElementById('lang-switch')!;
  button.textContent = other === 'en' ? 'English' : '中文';
  button.setAttribute('lang', other === 'en' ? 'en' : 'zh-CN');
  button.setAttribute('aria-label', t('app.switchLang'));
}

function setMenuOpen(open: boolean): void {
  document.body.classList.toggle('nav-open', open);
  document.getElementById('nav-toggle')!.setAttribute('aria-expanded', String(open));
}

let rendering: Promise<void> = Promise.resolve();
/** Ends the reads of the page being drawn: the merchant went on to another one. */
let leavePage = new AbortController();

/**
 * A view writes into #view once its requests answer, so two renders at once would let a slower
 * earlier one overwrite a later one: renders run one after another, and a route superseded while it
 * waited is skipped. So that a read that never answers cannot hold up every later page, the page left
 * has its reads ended at once (and any read gives up after a timeout, console/ui/client.ts).
 */
function route(): Promise<void> {
  const seq = ++routeSeq;
  delete viewRoot().dataset.loaded;
  leavePage.abort();
  rendering = rendering.then(() => (seq === routeSeq ? render(seq) : undefined));
  return rendering;
}

async function render(seq: number): Promise<void> {
  leavePage = new AbortController();
  setPageReads(leavePage.signal);
  const hash = location.hash.replace(/^#\/?/, '');
  const [section, ...rest] = hash.split('/').map(decodeURIComponent);
  const tab = section || DEFAULT_TAB;
  renderChrome();
  viewRoot().replaceChildren(h('p', { class: 'muted', id: 'loading' }, t('common.loading')));
  try {
    const view = VIEWS.find((v) => v.tab === tab);
    if (view) await view.render(rest);
    else viewRoot().replaceChildren(h('p', {}, t('app.unknownPage', { page: hash })));
  } catch (error) {
    if (seq === routeSeq) {
      const retry = h('button', { id: 'page-retry', type: 'button', onclick: () => void route() }, t('app.retry'));
      viewRoot().replaceChildren(h('div', { id: 'page-error', role: 'alert' }, h('p', { class: 'error' }, t('app.loadFailed', { message: errorText(error) })), retry));
    }
  }
  // Tests (and people) can tell when a page has finished loading.
  if (seq === routeSeq) viewRoot().dataset.loaded = `#/${hash}`;
}

document.getElementById('lang-switch')!.addEventListener('click', () => {
  setLang(lang() === 'zh' ? 'en' : 'zh');
  void route();
});
document.getElementById('nav-toggle')!.addEventListener('click', () => setMenuOpen(!document.body.classList.contains('nav-open')));
window.addEventListener('hashchange', () => void route());
client
  .info()
  .then((info) => (document.getElementById('env-info')!.textContent = `${info.envId} · ${info.cloudUrl}`))
  .catch(() => undefined);
void route();
