/** The database panel: collections, documents by JSON query, raw JSON add / edit / delete. */
import type { WireDoc } from '../routes';
import { client } from './client';
import { h, toast, viewRoot } from './dom';
import { errorText, t } from './i18n';
import type { ConsoleView } from './view';

const PAGE = 20;

let dbState: { coll: string; filter: string; skip: number; openId?: string } = { coll: '', filter: '', skip: 0 };
/** A filter set by another view (the products view's "raw JSON"), applied when the panel opens. */
let pendingFilter: string | null = null;

/** Opens one document of a collection in the raw editor. */
export function openRaw(coll: string, id: string): void {
  pendingFilter = JSON.stringify({ _id: id });
  dbState = { coll, filter: pendingFilter, skip: 0, openId: id };
  location.hash = `#/db/${encodeURIComponent(coll)}`;
}

async function dbView(coll?: string): Promise<void> {
  const { collections } = await client.collections();
  // (||: no collection in the route and none chosen yet is '', and then the first one opens.)
  const current = coll || dbState.coll || collections[0] || '';
  if (current !== dbState.coll) dbState = { coll: current, filter: pendingFilter ?? '', skip: 0 };
  if (pendingFilter !== null) {
    dbState.filter = pendingFilter;
    dbState.skip = 0;
    pendingFilter = null;
  }
  const newName = h('input', { id: 'new-collection-name', placeholder: t('db.newCollection'), 'aria-label': t('db.newCollection') });
  const aside = h(
    'aside',
    { class: 'panel', 'aria-label': t('db.collections') },
    h('h2', {}, t('db.collections')),
    h('div', { id: 'collections' }, collections.map((name) => h('button', { class: 'collection-item', 'aria-current': name === current ? 'true' : 'false', dataset: { name }, onclick: () => (location.hash = `#/db/${encodeURIComponent(name)}`) }, name))),
    h('div', { class: 'toolbar' }, newName, h('button', { id: 'add-collection', onclick: async () => {
      try {
        await client.addCollection(newName.value.trim());
        location.hash = `#/db/${encodeURIComponent(newName.value.trim())}`;
      } catch (error) {
        toast(errorText(error));
      }
    } }, t('db.addCollection'))),
  );
  const section = h('section', { class: 'panel', id: 'collection-panel' });
  viewRoot().replaceChildren(h('div', { class: 'layout' }, aside, section));
  if (current) await renderDocs(section);
  else section.append(h('p', { class: 'muted' }, t('db.noCollections')));
}

async function renderDocs(section: HTMLElement): Promise<void> {
  const { coll } = dbState;
  const filter = h('textarea', { id: 'filter', rows: 2, placeholder: '{"status": "on_shelf", "price": {"$gt": 1000}}', 'aria-label': t('db.filter') }) as HTMLTextAreaElement;
  filter.value = dbState.filter;
  const error = h('p', { class: 'error', id: 'docs-error', role: 'alert' });
  const list = h('ul', { id: 'docs', 'aria-label': t('db.docsIn', { coll }) });
  const count = h('span', { id: 'doc-count', class: 'muted' });
  const editor = docEditor();
  const load = async () => {
    error.textContent = '';
    try {
      const res = await client.docs(coll, { filter: dbState.filter, skip: dbState.skip, limit: PAGE });
      count.textContent = res.total > PAGE ? t('db.countPaged', { n: res.total, from: dbState.skip + 1, to: Math.min(res.total, dbState.skip + PAGE) }) : t('db.count', { n: res.total });
      list.replaceChildren(
        ...res.docs.map((doc) => {
          const id = String(doc._id);
          return h(
            'li',
            { class: 'doc', dataset: { id } },
            h('pre', { class: 'doc-json' }, JSON.stringify(doc, null, 2)),
            h(
              'div',
              { class: 'actions' },
              h('button', { class: 'edit-doc', 'aria-label': t('db.editAria', { id }), onclick: () => editor.open(doc) }, t('db.editJson')),
              h('button', { class: 'delete-doc danger', 'aria-label': t('db.deleteAria', { id }), onclick: async () => {
                if (!window.confirm(t('db.confirmDelete', { id, coll }))) return;
                try {
                  await client.removeDoc(coll, id);
                  toast(t('db.deleted', { id }));
                  await load();
                } catch (e) {
                  error.textContent = errorText(e);
                }
              } }, t('common.delete')),
            ),
          );
        }),
      );
      if (dbState.openId) {
        const doc = res.docs.find((d) => d._id === dbState.openId);
        dbState.openId = undefined;
        if (doc) editor.open(doc);
      }
    } catch (e) {
      error.textContent = errorText(e);
      list.replaceChildren();
      count.textContent = '';
    }
  };
  editor.onSaved = load;
  section.replaceChildren(
    h('h2', { id: 'collection-title' }, coll),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { class: 'grow' }, t('db.filter'), filter),
      h('button', { id: 'apply-filter', class: 'primary', onclick: () => {
        dbState.filter = filter.value;
        dbState.skip = 0;
        void load();
      } }, t('common.apply')),
      h('button', { id: 'add-doc', onclick: () => editor.open(null) }, t('db.addDoc')),
    ),
    h('div', { class: 'toolbar' }, count, h('button', { id: 'prev-page', onclick: () => {
      dbState.skip = Math.max(0, dbState.skip - PAGE);
      void load();
    } }, t('common.previous')), h('button', { id: 'next-page', onclick: () => {
      dbState.skip += PAGE;
      void load();
    } }, t('common.next'))),
    error,
    editor.el,
    list,
  );
  await load();
}

function docEditor(): { el: HTMLElement; open(doc: WireDoc | null): void; onSaved: () => Promise<void> } {
  const text = h('textarea', { id: 'doc-json', rows: 18, 'aria-label': t('db.docJson') }) as HTMLTextAreaElement;
  const error = h('p', { class: 'error', id: 'doc-error', role: 'alert' });
  const title = h('h3', { id: 'doc-editor-title' });
  let editing: string | null = null;
  const el = h('section', { id: 'doc-editor', class: 'panel', hidden: true, 'aria-label': t('db.docEditor') });
  const editor = {
    el,
    onSaved: async () => undefined,
    open(doc: WireDoc | null) {
      editing = doc ? String(doc._id) : null;
      title.textContent = doc ? t('db.editTitle', { id: String(editing) }) : t('db.newDoc');
      text.value = JSON.stringify(doc ?? {}, null, 2);
      error.textContent = '';
      el.hidden = false;
      text.focus();
    },
  };
  const save = async () => {
    let doc: unknown;
    try {
      doc = JSON.parse(text.value);
    } catch (e) {
      error.textContent = t('db.notJson', { message: (e as Error).message });
      return;
    }
    try {
      if (editing === null) await client.addDoc(dbState.coll, doc);
      else await client.replaceDoc(dbState.coll, editing, doc);
      el.hidden = true;
      toast(t('common.saved'));
      await editor.onSaved();
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  el.append(
    title,
    text,
    error,
    h('div', { class: 'toolbar' }, h('button', { id: 'save-doc', class: 'primary', onclick: save }, t('common.save')), h('button', { id: 'cancel-doc', onclick: () => (el.hidden = true) }, t('common.cancel'))),
  );
  return editor;
}

export const databaseView: ConsoleView = { tab: 'db', label: 'nav.db', render: (rest) => dbView(rest[0]) };
