// Departmental layers (多网合一) as switchable overlays: the open township's layers are listed with
// a check box each; a checked layer is drawn as outlines from the dept_units tiles (filtered by its
// layer and township), with its fit against the grid in one line and its crosswalk as XLSX.
import { api } from './api.js';
import { $, el } from './dom.js';
import { t, num, pct, onLangChange } from './i18n.js';

const PALETTE = ['#d62828', '#0077b6', '#6a4c93', '#2a9d8f', '#e76f51', '#588157'];
let shown = { township: null, layers: [] };

const layerId = (name) => `dept-${name}`;

function overlay(map, township, name, colour) {
  if (map.getLayer(layerId(name))) return;
  map.addLayer({
    id: layerId(name), type: 'line', source: 'dept_units', 'source-layer': 'dept_units',
    filter: ['all', ['==', ['get', 'layer'], name], ['==', ['get', 'township'], township]],
    paint: { 'line-color': colour, 'line-width': 2.5, 'line-dasharray': [3, 1.5] },
  }, 'selected-line');
}

async function fitLine(township, name, target) {
  const fit = await api(`/api/townships/${township}/layers/${name}/fit`);
  target.textContent = t('layers.fit', {
    nested: pct(fit.microGridsNestedShare), grids: pct(fit.gridsNestedShare),
    gap: num(Math.round(fit.gapArea)), overlaps: num(fit.overlaps.length), splits: num(fit.splits.length),
  });
}

function render(map) {
  const { township, layers } = shown;
  $('dept-none').hidden = layers.length > 0;
  $('dept-layers').replaceChildren(...layers.map((l, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const box = el('input', null, { type: 'checkbox', 'data-layer': l.layer });
    box.checked = map.getLayer(layerId(l.layer)) != null && map.getLayoutProperty(layerId(l.layer), 'visibility') !== 'none';
    const fit = el('p', null, { class: 'sub' });
    box.addEventListener('change', async () => {
      overlay(map, township, l.layer, colour);
      map.setLayoutProperty(layerId(l.layer), 'visibility', box.checked ? 'visible' : 'none');
      if (box.checked) await fitLine(township, l.layer, fit).catch(() => { fit.textContent = ''; });
    });
    const label = el('label', null, { class: 'check' });
    label.append(box, el('span', null, { class: 'line', style: `border-color: ${colour}` }),
      el('span', ` ${l.title || l.layer} · ${t('layers.units', { units: num(l.units), version: l.version })}`));
    const link = el('a', t('layers.crosswalk'), { href: `/api/townships/${township}/layers/${l.layer}/crosswalk.xlsx`, download: '' });
    const item = el('li');
    item.append(label, link, fit);
    return item;
  }));
}

/** Lists the township's departmental layers (hiding the overlays of the township before). */
export async function loadLayers(map, township) {
  for (const l of shown.layers) if (map.getLayer(layerId(l.layer))) map.removeLayer(layerId(l.layer));
  shown = { township, layers: await api(`/api/townships/${township}/layers`) };
  render(map);
}

export function wireLayers(map) {
  onLangChange(() => render(map));
}
