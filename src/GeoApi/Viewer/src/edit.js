// Editing for GIS staff: redraw, split, merge and pin, previewed as a diff before it is published.
import { api, json, status } from './api.js';
import { $, el } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';
import { refreshTiles } from './map.js';
import { select } from './card.js';

/** Called after a publish or a pin: the page reloads what depends on the current version. */
let afterChange = async () => {};

function setDrawing(map, on, hint = '') {
  $('drawing').hidden = !on;
  $('drawing-hint').textContent = hint;
  for (const id of ['edit-redraw', 'edit-split', 'edit-merge']) $(id).classList.toggle('active', on && state.mode && id.endsWith(state.mode));
  if (on) map.doubleClickZoom.disable(); else map.doubleClickZoom.enable();
  map.getCanvas().style.cursor = on ? 'crosshair' : '';
}

function drawDraft(map) {
  const pts = state.draft;
  const features = pts.map((c) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: c }, properties: {} }));
  if (pts.length > 1) {
    const line = state.mode === 'redraw' && pts.length > 2 ? [...pts, pts[0]] : pts;
    features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: line }, properties: {} });
  }
  map.getSource('draft').setData({ type: 'FeatureCollection', features });
}

function startDrawing(map, mode) {
  if (!state.selected) return;
  state.mode = mode;
  state.draft = [];
  drawDraft(map);
  setDrawing(map, true, t(mode === 'redraw' ? 'edit.hintRedraw' : mode === 'split' ? 'edit.hintSplit' : 'edit.hintMerge'));
}

function cancelDrawing(map) {
  state.mode = null;
  state.draft = [];
  drawDraft(map);
  setDrawing(map, false);
}

async function finishDrawing(map) {
  const mode = state.mode;
  const pts = state.draft.slice();
  cancelDrawing(map);
  const code = state.selected.code;
  try {
    if (mode === 'redraw') {
      if (pts.length < 3) throw new Error(t('edit.needCorners'));
      await preview('PUT', `/api/codes/${code}/geometry`, { geometry: { type: 'Polygon', coordinates: [[...pts, pts[0]]] } });
    } else if (mode === 'split') {
      if (pts.length < 2) throw new Error(t('edit.needLine'));
      await preview('POST', `/api/codes/${code}/split`, { geometry: { type: 'LineString', coordinates: pts } });
    }
  } catch (err) { status(err, true); }
}

async function preview(method, path, body) {
  body.reason = $('reason').value.trim() || undefined;
  const sep = path.includes('?') ? '&' : '?';
  const result = await api(`${path}${sep}dryRun=true`, json(method, body));
  state.pending = { method, path, body };
  $('preview').hidden = false;
  $('preview-summary').textContent = t('preview.summary', { version: result.version, units: result.changes.length, moved: result.householdsMoved });
  //-- Warnings are the API's own sentences (its detail), shown as they come.
  $('preview-changes').replaceChildren(
    ...result.warnings.map((w) => el('li', `⚠ ${w}`, { class: 'warning' })),
    ...result.changes.map((c) => el('li', t('preview.change', {
      change: t(`change.${c.change}`), level: t(`level.${c.level}`), code: c.code, before: c.householdsBefore ?? '—', after: c.householdsAfter ?? '—',
    }))));
  status(t('preview.ready'));
}

async function publish(map) {
  const p = state.pending;
  if (!p) return;
  $('publish').disabled = true;
  try {
    const result = await api(p.path, json(p.method, p.body));
    state.pending = null;
    $('preview').hidden = true;
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

/** A click on the map while drawing: a corner or line point, or the neighbour to merge with.
 * Returns whether the click was the edit's. */
export async function editClick(map, e, code) {
  if (state.mode === 'redraw' || state.mode === 'split') {
    state.draft.push([e.lngLat.lng, e.lngLat.lat]);
    drawDraft(map);
    return true;
  }
  if (state.mode === 'merge' && code) {
    state.mode = null;
    setDrawing(map, false);
    await preview('POST', '/api/codes/merge', { codes: [state.selected.code, code] });
    return true;
  }
  return false;
}

/** Wires the edit controls; onChange runs after every publish or pin. */
export function wireEditing(map, onChange) {
  afterChange = onChange;
  map.on('dblclick', (e) => { if (state.mode === 'redraw' || state.mode === 'split') { e.preventDefault(); finishDrawing(map); } });
  $('edit-redraw').addEventListener('click', () => startDrawing(map, 'redraw'));
  $('edit-split').addEventListener('click', () => startDrawing(map, 'split'));
  $('edit-merge').addEventListener('click', () => startDrawing(map, 'merge'));
  $('edit-pin').addEventListener('click', () => togglePin(map));
  $('draw-finish').addEventListener('click', () => finishDrawing(map));
  $('draw-cancel').addEventListener('click', () => cancelDrawing(map));
  $('publish').addEventListener('click', () => publish(map));
  $('discard').addEventListener('click', () => { state.pending = null; $('preview').hidden = true; status(t('preview.discarded')); });
}
