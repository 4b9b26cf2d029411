// GridSpatial viewer: coverage of grids and micro-grids from the service's vector tiles, with
// labels; a card per unit with its code history and its building's floors; search; size
// histogram and report in plain words; editing for staff whose key may edit (redraw, split,
// merge, pin) previewed as a diff before it is published; versions, restorable; names and people
// on cards, the review list and the area tool; locate-me on phones. Chinese first.
// Everything it loads comes from this service, and base-map tiles only from the servers the
// operator configured (none by default): no CDN. Bundled by esbuild at build time.
import { api, status, whenUnauthorized } from './api.js';
import { $ } from './dom.js';
import { t, lang, apply, setLang } from './i18n.js';
import { state } from './state.js';
import { createMap, refreshTiles } from './map.js';
import { loadReport, loadHistogram } from './report.js';
import { select, unitAt, wireCard } from './card.js';
import { search } from './search.js';
import { editClick, wireEditing } from './edit.js';
import { signIn, signOut, may } from './session.js';
import { locate } from './locate.js';
import { loadLayers, wireLayers } from './layers.js';
import { wireBaseMaps, showBaseMap } from './basemap.js';
import { loadVersions, wireVersions } from './versions.js';
import { loadReview, wireReview } from './review.js';
import { areaClick, wireArea } from './area.js';

let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });
apply();

async function loadTownships(map, fit) {
  const townships = await api('/api/townships');
  const list = $('township');
  const current = state.township;
  list.replaceChildren(...townships.map((tw) => {
    const o = document.createElement('option');
    o.value = tw.code;
    o.textContent = `${tw.name} ${tw.code} · ${tw.currentVersion ? t('township.version', { version: tw.currentVersion }) : t('township.notPartitioned')}`;
    o.dataset.bbox = JSON.stringify(tw.bbox);
    return o;
  }));
  if (!fit && current) { list.value = current; return; }
  const wanted = new URLSearchParams(location.search).get('township');
  const first = townships.find((tw) => tw.code === wanted) || townships.find((tw) => tw.currentVersion) || townships[0];
  if (first) { list.value = first.code; await openTownship(map, first.code, true); }
}

async function openTownship(map, code, fit) {
  state.township = code;
  const option = [...$('township').options].find((o) => o.value === code);
  if (fit && option && option.dataset.bbox !== 'null') {
    const b = JSON.parse(option.dataset.bbox);
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 20, animate: false });
  }
  await Promise.all([loadReport(code), loadHistogram(code), loadLayers(map, code), loadVersions(code), loadReview(code)]);
}

/** After a publish or a pin: the township list (with its versions), the report and the histogram. */
async function refreshTownship(map) {
  await loadTownships(map, false);
  await openTownship(map, state.township, false);
}

/** The map and every control, once the user is signed in (the tiles need the session). */
function wire(map) {
  wireCard(map);
  wireLayers(map, async () => { await refreshTiles(map); await refreshTownship(map); });
  wireArea(map, (code) => select(map, code));
  wireVersions(async () => { await refreshTiles(map); await refreshTownship(map); });
  wireReview((code) => select(map, code));
  map.on('click', async (e) => {
    const code = unitAt(map, e.point);
    try {
      if (areaClick(map, e) || await editClick(map, e, code)) return;
      if (code) await select(map, code);
      document.body.classList.add('sheet-open');
    } catch (err) { status(err, true); }
  });
  $('township').addEventListener('change', (e) => openTownship(map, e.target.value, true).catch((err) => status(err, true)));
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); search(map); });
  $('level').addEventListener('change', (e) => {
    state.level = e.target.value;
    map.setLayoutProperty('micro-fill', 'visibility', state.level === 'micro_grids' ? 'visible' : 'none');
    map.setLayoutProperty('grid-fill', 'visibility', state.level === 'grids' ? 'visible' : 'none');
  });
  $('lang').addEventListener('click', () => loadTownships(map, false).catch((err) => status(err, true)));
  $('locate').addEventListener('click', () => locate(map));
  // Edit controls exist only for keys that may edit: for the others they are removed, not hidden.
  if (may('edit')) wireEditing(map, () => refreshTownship(map)); else $('card-edit').remove();
}

$('lang').addEventListener('click', () => setLang(lang === 'zh' ? 'en' : 'zh'));
$('logout').addEventListener('click', signOut);
$('sheet-toggle').addEventListener('click', () => document.body.classList.toggle('sheet-open'));
whenUnauthorized(() => location.reload());

const gridspatial = { state, ready };
window.gridspatial = gridspatial;

(async () => {
  try {
    await signIn();
    const map = createMap();
    Object.assign(gridspatial, { map, select: (code) => select(map, code), refreshTiles: () => refreshTiles(map), showBaseMap: (id) => showBaseMap(map, id) });
    wire(map);
    await new Promise((r) => map.once('load', r));
    await wireBaseMaps(map);
    await loadTownships(map, true);
    //-- A link to one unit (the notice map's QR code: ?township=T&code=C) opens it as a search would.
    const code = new URLSearchParams(location.search).get('code');
    if (code) { $('search').value = code; await search(map); }
    // Ask for a repaint after listening: the map may have gone idle while the townships loaded,
    // and an idle event comes only after a frame.
    map.once('idle', () => resolveReady());
    map.triggerRepaint();
  } catch (err) { status(err, true); resolveReady(); }
})();
