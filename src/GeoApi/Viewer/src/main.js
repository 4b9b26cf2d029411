// GridSpatial viewer: coverage of grids and micro-grids from the service's vector tiles, a card
// per unit with its code history, search, size histogram and report, and editing for GIS staff
// (redraw, split, merge, pin) previewed as a diff before it is published. Everything it loads
// comes from this service: no base map, no CDN. Bundled by esbuild into viewer.js at build time.
import { api, status } from './api.js';
import { $ } from './dom.js';
import { state } from './state.js';
import { createMap, refreshTiles } from './map.js';
import { loadReport, loadHistogram } from './report.js';
import { select, unitAt } from './card.js';
import { search } from './search.js';
import { editClick, wireEditing } from './edit.js';

let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });
const map = createMap();

async function loadTownships() {
  const townships = await api('/api/townships');
  const list = $('township');
  list.innerHTML = '';
  for (const t of townships) {
    const o = document.createElement('option');
    o.value = t.code;
    o.textContent = `${t.name} ${t.code}${t.currentVersion ? ` · v${t.currentVersion}` : ' · not partitioned'}`;
    o.dataset.bbox = JSON.stringify(t.bbox);
    list.append(o);
  }
  const wanted = new URLSearchParams(location.search).get('township');
  const first = townships.find((t) => t.code === wanted) || townships.find((t) => t.currentVersion) || townships[0];
  if (first) { list.value = first.code; await openTownship(first.code, true); }
}

async function openTownship(code, fit) {
  state.township = code;
  const option = [...$('township').options].find((o) => o.value === code);
  if (fit && option && option.dataset.bbox !== 'null') {
    const b = JSON.parse(option.dataset.bbox);
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 20, animate: false });
  }
  await Promise.all([loadReport(code), loadHistogram(code)]);
}

map.on('click', async (e) => {
  const code = state.mode ? unitAt(map, e.point) : null;
  try {
    if (await editClick(map, e, code)) return;
    const hit = unitAt(map, e.point);
    if (hit) await select(map, hit);
  } catch (err) { status(err.message, true); }
});

$('township').addEventListener('change', (e) => openTownship(e.target.value, true).catch((err) => status(err.message, true)));
$('search-go').addEventListener('click', () => search(map));
$('search').addEventListener('keydown', (e) => { if (e.key === 'Enter') search(map); });
$('level').addEventListener('change', (e) => {
  state.level = e.target.value;
  map.setLayoutProperty('micro-fill', 'visibility', state.level === 'micro_grids' ? 'visible' : 'none');
  map.setLayoutProperty('grid-fill', 'visibility', state.level === 'grids' ? 'visible' : 'none');
});
$('show-households').addEventListener('change', (e) => map.setLayoutProperty('households', 'visibility', e.target.checked ? 'visible' : 'none'));
wireEditing(map, () => openTownship(state.township, false));

map.on('load', async () => {
  try {
    await loadTownships();
    // Ask for a repaint after listening: the map may have gone idle while the townships loaded,
    // and an idle event comes only after a frame.
    map.once('idle', () => resolveReady());
    map.triggerRepaint();
  } catch (err) { status(err.message, true); resolveReady(); }
});

window.gridspatial = { map, state, ready, select: (code) => select(map, code), refreshTiles: () => refreshTiles(map) };
