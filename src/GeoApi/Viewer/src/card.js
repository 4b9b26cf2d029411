// Selection and the card: a unit's code, households, parent, building and history; on a building
// split by floors, every floor micro-grid of the building, each selectable; its name and people (people.js).
import { api } from './api.js';
import { $, el } from './dom.js';
import { t, has, onLangChange } from './i18n.js';
import { state } from './state.js';
import { empty, outline } from './map.js';
import { renderPeople } from './people.js';

const word = (prefix, v) => (v != null && has(`${prefix}.${v}`) ? t(`${prefix}.${v}`) : v ?? '—');
const floors = (from, to) => (from === to ? t('card.floorOne', { from }) : t('card.floorRange', { from, to }));

/** Selects a unit by code: highlights it and shows its card. */
export async function select(map, code) {
  const unit = await api(`/api/codes/${code}`);
  state.selected = unit;
  map.getSource('selected').setData(unit.geometry ? { type: 'Feature', geometry: unit.geometry, properties: {} } : empty);
  outline(map, unit.code);
  render(map, unit);
  return unit;
}

function render(map, unit) {
  $('card').hidden = false;
  $('card-title').textContent = `${word('level', unit.level)} ${unit.code}`;
  const fields = [
    ['code', unit.code], ['level', word('level', unit.level)],
    ['kind', unit.level === 'micro_grid' ? word('kind', unit.name) : word('level', unit.level)],
    ['households', unit.householdCount ?? '—'], ['parent', unit.parent ?? '—'], ['status', word('status', unit.status)],
    ['children', unit.children ?? '—'],
  ];
  // A building or floor micro-grid: its building, floors and unit (单元).
  const b = unit.building;
  if (b) {
    fields.push(['building', b.id]);
    if (b.floorFrom != null) fields.push(['floors', floors(b.floorFrom, b.floorTo)]);
    if (b.unit != null) fields.push(['unit', b.unit]);
  }
  // Text, never markup: building ids and units are what households were imported with.
  $('card-fields').replaceChildren(...fields.flatMap(([key, v]) => [el('dt', t(`card.${key}`)), el('dd', v, { 'data-field': key })]));
  const h = unit.history;
  const lines = [];
  if (h) {
    lines.push(t('card.validFrom', { from: h.validFrom }) + (h.validTo ? t('card.validTo', { to: h.validTo }) : ''));
    if (h.predecessors.length) lines.push(t('card.from', { codes: h.predecessors.join(', ') }));
    if (h.successors.length) lines.push(t('card.wentTo', { codes: h.successors.join(', ') }));
  }
  $('card-history').replaceChildren(...lines.map((l) => el('div', l)));
  renderPeople(unit);
  $('card-print').hidden = !(unit.status === 'current' && (unit.level === 'grid' || unit.level === 'micro_grid'));
  $('card-print').href = `/api/codes/${unit.code}/notice-map.pdf`;
  renderStack(map, unit);
  const pin = $('edit-pin');
  if (pin) {
    const pinned = isPinned(map, unit);
    pin.dataset.pinned = pinned ? 'true' : 'false';
    pin.dataset.i18n = pinned ? 'edit.unpin' : 'edit.pin';
    pin.textContent = t(pin.dataset.i18n);
  }
}

/** The floor micro-grids sharing this unit's building, from the tiles in view, by unit then floor. */
function renderStack(map, unit) {
  const list = $('card-floors');
  const building = unit.building?.id;
  const runs = new Map();
  if (building && unit.level === 'micro_grid') {
    for (const f of map.querySourceFeatures('micro_grids', { sourceLayer: 'micro_grids', filter: ['==', ['get', 'name'], building] }))
      if (f.properties.kind === 'floor') runs.set(f.properties.code, f.properties);
  }
  $('card-stack').hidden = runs.size < 2;
  const sorted = [...runs.values()].sort((a, b) => `${a.unit ?? ''}`.localeCompare(`${b.unit ?? ''}`, 'zh') || a.floor_from - b.floor_from);
  list.replaceChildren(...sorted.map((r) => {
    const item = el('button', t('card.stackItem', {
      floors: floors(r.floor_from, r.floor_to), unit: r.unit != null ? t('card.stackUnit', { unit: r.unit }) : '',
      households: r.household_count, code: r.code.slice(15),
    }), { type: 'button', 'data-code': r.code, title: r.code });
    if (r.code === unit.code) item.setAttribute('aria-current', 'true');
    item.addEventListener('click', () => select(map, r.code));
    const li = el('li');
    li.append(item);
    return li;
  }));
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

/** Redraws the card in the new language. */
export function wireCard(map) {
  onLangChange(() => { if (state.selected) render(map, state.selected); });
}
