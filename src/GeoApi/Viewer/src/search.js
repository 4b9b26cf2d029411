// Search: a 9/12/15/18-digit code (township, village, grid, micro-grid), a township or village
// name, a household id or part of an address. One match: zoom to it and open its card; several:
// a list to choose from.
import { api, status } from './api.js';
import { $, el, sheetPadding } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';
import { select } from './card.js';

async function open(map, hit) {
  $('search-results').replaceChildren();
  const [w, s, e, n] = hit.bbox;
  const below = sheetPadding().bottom;
  map.fitBounds([[w, s], [e, n]], { padding: { top: 60, left: 60, right: 60, bottom: 60 + below }, maxZoom: hit.kind === 'household' ? 18 : 17, animate: false });
  //-- A household opens the card of its micro-grid (none while it is unassigned).
  if (hit.code) await select(map, hit.code);
  status(t('done.found', { code: hit.householdId ?? hit.code }));
}

function label(hit) {
  const what = t(`level.${hit.kind}`);
  if (hit.kind === 'household') return `${what} ${hit.householdId} · ${hit.name ?? ''} · ${hit.code ?? t('search.unassigned')}`;
  return `${what} ${hit.name ? `${hit.name} · ` : ''}${hit.code}`;
}

/** Runs the search box's query. */
export async function search(map) {
  const q = $('search').value.trim();
  if (!q) return;
  const list = $('search-results');
  list.replaceChildren();
  try {
    const township = state.township ? `&township=${state.township}` : '';
    const answer = await api(`/api/search?q=${encodeURIComponent(q)}${township}`);
    if (answer.hits.length === 0) { status(t('search.none', { q }), true); return; }
    if (answer.hits.length === 1) { await open(map, answer.hits[0]); return; }
    list.replaceChildren(...answer.hits.map((hit) => {
      const item = el('button', label(hit), { type: 'button', 'data-code': hit.code ?? '', 'data-kind': hit.kind });
      item.addEventListener('click', () => open(map, hit).catch((err) => status(err, true)));
      const li = el('li');
      li.append(item);
      return li;
    }));
    status(answer.more ? t('search.more', { n: answer.hits.length }) : t('search.many', { n: answer.hits.length }));
  } catch (err) { status(err, true); }
}
