// The township's versions, newest first: when, by whom and why; for keys that may edit, a past
// version can be restored (恢复此版本) as a new version after a confirm (server:
// POST /api/townships/{code}/versions/{v}/restore; the restored units are pinned).
import { api, json, status } from './api.js';
import { $, el } from './dom.js';
import { t, lang, onLangChange } from './i18n.js';
import { state } from './state.js';
import { may } from './session.js';

const SHOWN = 20;
let shown = [];
let afterRestore = async () => {};

/** Loads and lists the versions of a township. */
export async function loadVersions(code) {
  shown = (await api(`/api/townships/${code}/versions`)).sort((a, b) => b.version - a.version).slice(0, SHOWN);
  render();
}

function render() {
  const list = $('version-list');
  const when = (v) => new Date(v.createdAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');
  $('versions-none').hidden = shown.length > 0;
  list.replaceChildren(...shown.map((v) => {
    const li = el('li', null, { 'data-version': v.version });
    li.append(el('span', t('versions.item', { version: v.version, when: when(v), author: v.author, reason: v.reason })));
    if (v.current) li.append(el('strong', ` · ${t('versions.current')}`));
    else if (may('edit')) {
      const b = el('button', t('versions.restore'), { type: 'button', class: 'restore', title: t('versions.restoreTitle'), 'data-version': v.version });
      b.addEventListener('click', () => restore(v.version, b));
      li.append(b);
    }
    return li;
  }));
}

async function restore(version, button) {
  if (!window.confirm(t('versions.confirm', { version }))) return;
  button.disabled = true;
  try {
    const result = await api(`/api/townships/${state.township}/versions/${version}/restore`, json('POST', {}));
    await afterRestore();
    status(t('versions.restored', { from: version, version: result.version }));
  } catch (err) { status(err, true); button.disabled = false; }
}

/** onRestore runs after a restore is published (tiles, township list, report, this list). */
export function wireVersions(onRestore) {
  afterRestore = onRestore;
  onLangChange(render);
}
