// Editing for GIS staff: redraw, split, merge and pin, previewed as a diff before it is published.
import { api, status } from './api.js';
import { $ } from './dom.js';
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
  setDrawing(map, true, mode === 'redraw' ? 'Click the corners of the new boundary' : mode === 'split' ? 'Click a line across the unit' : 'Click the neighbour to merge with');
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
      if (pts.length < 3) throw new Error('A boundary needs at least three corners.');
      await preview('PUT', `/api/codes/${code}/geometry`, { geometry: { type: 'Polygon', coordinates: [[...pts, pts[0]]] } });
    } else if (mode === 'split') {
      if (pts.length < 2) throw new Error('A split line needs at least two points.');
      await preview('POST', `/api/codes/${code}/split`, { geometry: { type: 'LineString', coordinates: pts } });
    }
  } catch (err) { status(err.message, true); }
}

async function preview(method, path, body) {
  body.reason = $('reason').value.trim() || undefined;
  const sep = path.includes('?') ? '&' : '?';
  const result = await api(`${path}${sep}dryRun=true`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  state.pending = { method, path, body };
  $('preview').hidden = false;
  $('preview-summary').textContent =
    `Version ${result.version} would change ${result.changes.length} units and move ${result.householdsMoved} households.`;
  $('preview-changes').innerHTML =
    result.warnings.map((w) => `<li class="warning">⚠ ${w}</li>`).join('') +
    result.changes.map((c) => `<li>${c.change} ${c.level} ${c.code}: ${c.householdsBefore ?? '—'} → ${c.householdsAfter ?? '—'}</li>`).join('');
  status('Preview ready: publish or discard.');
}

async function publish(map) {
  const p = state.pending;
  if (!p) return;
  $('publish').disabled = true;
  try {
    const result = await api(p.path, { method: p.method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(p.body) });
    state.pending = null;
    $('preview').hidden = true;
    await refreshTiles(map);
    const keep = state.selected && result.changes.some((c) => c.code === state.selected.code && c.change !== 'removed');
    if (keep) await select(map, state.selected.code);
    await afterChange();
    status(`Published version ${result.version}`);
  } catch (err) { status(err.message, true); } finally { $('publish').disabled = false; }
}

async function togglePin(map) {
  const unit = state.selected;
  if (!unit) return;
  const pinned = $('edit-pin').dataset.pinned === 'true';
  try {
    const result = await api(`/api/codes/${unit.code}/pin`, {
      method: pinned ? 'DELETE' : 'POST', headers: { 'Content-Type': 'application/json' },
      body: pinned ? undefined : JSON.stringify({ reason: $('reason').value.trim() || undefined }),
    });
    await refreshTiles(map);
    await select(map, unit.code);
    await afterChange();
    status(`${pinned ? 'Unpinned' : 'Pinned'} ${unit.code} (version ${result.version})`);
  } catch (err) { status(err.message, true); }
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
  $('discard').addEventListener('click', () => { state.pending = null; $('preview').hidden = true; status('Discarded.'); });
}
