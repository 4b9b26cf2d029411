// Selection and the card: a unit's code, households, parent, building and history.
import { api } from './api.js';
import { $ } from './dom.js';
import { state } from './state.js';
import { empty } from './map.js';

export async function select(map, code) {
  const unit = await api(`/api/codes/${code}`);
  state.selected = unit;
  map.getSource('selected').setData(unit.geometry ? { type: 'Feature', geometry: unit.geometry, properties: {} } : empty);
  $('card').hidden = false;
  $('card-title').textContent = `${unit.level === 'grid' ? 'Grid 网格' : unit.level === 'micro_grid' ? 'Micro-grid 微网格' : unit.level} ${unit.code}`;
  const fields = [
    ['Code', unit.code], ['Level', unit.level], ['Kind', unit.level === 'micro_grid' ? unit.name ?? '—' : unit.level],
    ['Households', unit.householdCount ?? '—'], ['Parent', unit.parent ?? '—'], ['Status', unit.status],
    ['Children', unit.children ?? '—'],
  ];
  // A building or floor micro-grid: its building, floors and unit (单元), Chinese first.
  const b = unit.building;
  if (b) {
    fields.push(['楼栋 Building', b.id, 'building']);
    if (b.floorFrom != null) fields.push(['楼层 Floors', b.floorFrom === b.floorTo ? `${b.floorFrom}` : `${b.floorFrom}–${b.floorTo}`, 'floors']);
    if (b.unit != null) fields.push(['单元 Unit', b.unit, 'unit']);
  }
  // Text, never markup: building ids and units are what households were imported with.
  $('card-fields').replaceChildren(...fields.flatMap(([k, v, key]) => {
    const dt = document.createElement('dt');
    const dd = document.createElement('dd');
    dt.textContent = k;
    dd.textContent = `${v}`;
    dd.dataset.field = key ?? k.toLowerCase();
    return [dt, dd];
  }));
  const h = unit.history;
  $('card-history').innerHTML = h
    ? `Valid from v${h.validFrom}${h.validTo ? ` to v${h.validTo}` : ''}` +
      (h.predecessors.length ? `<br>From: ${h.predecessors.join(', ')}` : '') +
      (h.successors.length ? `<br>Went to: ${h.successors.join(', ')}` : '')
    : '';
  const pinned = isPinned(map, unit);
  $('edit-pin').textContent = pinned ? 'Unpin' : 'Pin';
  $('edit-pin').dataset.pinned = pinned ? 'true' : 'false';
  return unit;
}

function isPinned(map, unit) {
  if (!unit.geometry || unit.status !== 'current') return false;
  const layer = unit.level === 'grid' ? 'grids' : 'micro_grids';
  const features = map.querySourceFeatures(layer, { sourceLayer: layer, filter: ['==', ['get', 'code'], unit.code] });
  return features.some((f) => f.properties.pinned === true || f.properties.pinned === 'true');
}

/** The code of the unit drawn at a screen point, at the level being coloured. */
export function unitAt(map, point) {
  const layer = state.level === 'grids' ? 'grid-fill' : 'micro-fill';
  const hit = map.queryRenderedFeatures(point, { layers: [layer] })[0];
  return hit ? hit.properties.code : null;
}
