// Editing for GIS staff: redraw, split, adjust a border's vertices, merge and pin, each previewed
// on the map before it is published — the proposed borders drawn, the units that change listed,
// the households that change micro-grid marked. Drawing snaps to streets, barriers, buildings and
// existing borders (draw.js, snap.js) and every step can be undone; a drawn or split unit is
// pinned by default so later recomputes keep it as drawn.
import { api, json, status, ApiError } from './api.js';
import { $, el } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';
import { empty, refreshTiles } from './map.js';
import { select } from './card.js';
import { showBaseMap } from './basemap.js';
import { begin, click, undo, outerRing, wireDragging } from './draw.js';

/** Called after a publish or a pin: the page reloads what depends on the current version. */
let afterChange = async () => {};

const HINTS = { redraw: 'edit.hintRedraw', split: 'edit.hintSplit', merge: 'edit.hintMerge', vertices: 'edit.hintVertices' };

function setDrawing(map, on) {
  $('drawing').hidden = !on;
  $('drawing-hint').textContent = on ? t(HINTS[state.mode]) : '';
  for (const id of ['edit-redraw', 'edit-split', 'edit-merge', 'edit-vertices']) $(id).classList.toggle('active', !!(on && state.mode && id === `edit-${state.mode}`));
  if (on) map.doubleClickZoom.disable(); else map.doubleClickZoom.enable();
  map.getCanvas().style.cursor = on ? 'crosshair' : '';
}

/** The proposed result on the map (units' new territories, households that move), or nothing. */
function drawProposed(map, proposed) {
  map.getSource('proposed').setData(proposed ? {
    type: 'FeatureCollection',
    features: proposed.units.map((u) => ({ type: 'Feature', geometry: u.geometry, properties: { code: u.code, change: u.change, level: u.level } })),
  } : empty);
  map.getSource('moved').setData(proposed ? {
    type: 'FeatureCollection',
    features: proposed.households.map((h) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [h.lon, h.lat] }, properties: { id: h.id, from: h.from, to: h.to } })),
  } : empty);
}

async function startDrawing(map, mode) {
  if (!state.selected) return;
  //-- The page draws in WGS 84: over a GCJ-02 base map a drawn point would be off by hundreds of metres.
  if (state.crs === 'gcj02') { await showBaseMap(map, null); status(t('basemap.switched')); }
  state.mode = mode;
  begin(map, mode === 'vertices' && state.selected.geometry ? outerRing(state.selected.geometry) : []);
  setDrawing(map, true);
}

function cancelDrawing(map) {
  state.mode = null;
  begin(map);
  setDrawing(map, false);
}

async function finishDrawing(map) {
  const mode = state.mode;
  const pts = state.draft.slice();
  cancelDrawing(map);
  const code = state.selected.code;
  const pin = $('keep-pinned').checked || undefined;
  try {
    if (mode === 'redraw' || mode === 'vertices') {
      if (pts.length < 3) throw new Error(t('edit.needCorners'));
      await preview(map, 'PUT', `/api/codes/${code}/geometry`, { geometry: { type: 'Polygon', coordinates: [[...pts, pts[0]]] }, pin });
    } else if (mode === 'split') {
      if (pts.length < 2) throw new Error(t('edit.needLine'));
      await preview(map, 'POST', `/api/codes/${code}/split`, { geometry: { type: 'LineString', coordinates: pts }, pin });
    }
  } catch (err) { status(err, true); }
}

/** Asks the service what the edit would do (dry run), lists it and draws it on the map. */
export async function preview(map, method, path, body) {
  body.reason = $('reason').value.trim() || body.reason || undefined;
  const sep = path.includes('?') ? '&' : '?';
  let result;
  try {
    result = await api(`${path}${sep}dryRun=true`, json(method, body));
  } catch (err) {
    //-- Refused for crossing the departmental layer the township nests in: staff may do it on purpose (audited).
    const p = err instanceof ApiError ? err.problem : {};
    if (!p.crossings || !window.confirm(t('edit.outsideNesting', { layer: p.layer, codes: p.crossings.map((c) => c.code).join('、') }))) throw err;
    return preview(map, method, `${path}${sep}allowOutsideNesting=true`, body);
  }
  state.pending = { method, path, body };
  $('preview').hidden = false;
  $('preview-summary').textContent = t('preview.summary', { version: result.version, units: result.changes.length, moved: result.householdsMoved });
  //-- Warnings are the API's own sentences (its detail), shown as they come.
  $('preview-changes').replaceChildren(
    ...result.warnings.map((w) => el('li', `⚠ ${w}`, { class: 'warning' })),
    ...result.changes.map((c) => el('li', t('preview.change', {
      change: t(`change.${c.change}`), level: t(`level.${c.level}`), code: c.code, before: c.householdsBefore ?? '—', after: c.householdsAfter ?? '—',
    }), { 'data-code': c.code })));
  drawProposed(map, result.proposed);
  status(t('preview.ready'));
  return result;
}

function discard(map) {
  state.pending = null;
  $('preview').hidden = true;
  drawProposed(map, null);
  status(t('preview.discarded'));
}

async function publish(map) {
  const p = state.pending;
  if (!p) return;
  $('publish').disabled = true;
  try {
    const result = await api(p.path, json(p.method, p.body));
    state.pending = null;
    $('preview').hidden = true;
    drawProposed(map, null);
    await refreshTiles(map);
    const keep = state.selected && result.changes.some((c) => c.code === state.selected.code && c.change !== 'removed');
    if (keep) await select(map, state.selected.code);
    await afterChange();
    status(t('done.published', { version: result.version }));
  } catch (err) { status(err, true); } finally { $('publish').disabled = false; }
}

async function togglePin(map) {
  const unit = state.selected;
  if (!unit) return;
  const pinned = $('edit-pin').dataset.pinned === 'true';
  try {
    const result = await api(`/api/codes/${unit.code}/pin`, json(pinned ? 'DELETE' : 'POST', pinned ? undefined : { reason: $('reason').value.trim() || undefined }));
    await refreshTiles(map);
    await select(map, unit.code);
    await afterChange();
    status(t(pinned ? 'done.unpinned' : 'done.pinned', { code: unit.code, version: result.version }));
  } catch (err) { status(err, true); }
}

/** A click on the map while editing: a point of the drawing, or the neighbour to merge with.
 * Returns whether the click was the edit's. */
export async function editClick(map, e, code) {
  if (state.mode === 'redraw' || state.mode === 'split' || state.mode === 'vertices') {
    click(map, e);
    return true;
  }
  if (state.mode === 'merge' && code) {
    state.mode = null;
    setDrawing(map, false);
    await preview(map, 'POST', '/api/codes/merge', { codes: [state.selected.code, code] });
    return true;
  }
  return false;
}

/** Wires the edit controls; onChange runs after every publish or pin. */
export function wireEditing(map, onChange) {
  afterChange = onChange;
  wireDragging(map);
  map.on('dblclick', (e) => { if (['redraw', 'split', 'vertices'].includes(state.mode)) { e.preventDefault(); finishDrawing(map); } });
  for (const mode of ['redraw', 'split', 'merge', 'vertices']) $(`edit-${mode}`).addEventListener('click', () => startDrawing(map, mode));
  $('edit-pin').addEventListener('click', () => togglePin(map));
  $('draw-finish').addEventListener('click', () => finishDrawing(map));
  $('draw-cancel').addEventListener('click', () => cancelDrawing(map));
  $('draw-undo').addEventListener('click', () => { if (!undo(map)) status(t('edit.nothingToUndo')); });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'z' && state.mode && state.mode !== 'merge') { e.preventDefault(); if (!undo(map)) status(t('edit.nothingToUndo')); }
  });
  $('publish').addEventListener('click', () => publish(map));
  $('discard').addEventListener('click', () => discard(map));
}
