// The drawing under way: its points (a boundary's corners, a split line, or the vertices of an
// existing border being adjusted), snapped to what the map shows when snapping is on, with an
// undo history of every step; vertices of a border can be dragged and new ones added on an edge.
import { $ } from './dom.js';
import { state } from './state.js';
import { snap } from './snap.js';

const GRAB = 8;
let history = [];
let dragging = null;

const closed = () => state.mode === 'redraw' || state.mode === 'vertices' || state.mode === 'area';

/** Draws the draft: its points, and its line (closed for a boundary). */
export function render(map) {
  const pts = state.draft;
  const features = pts.map((c, i) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: c }, properties: { i } }));
  if (pts.length > 1) {
    const line = closed() && pts.length > 2 ? [...pts, pts[0]] : pts;
    features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: line }, properties: {} });
  }
  map.getSource('draft').setData({ type: 'FeatureCollection', features });
}

/** Starts a draft with these points (none for a new drawing). */
export function begin(map, points = []) {
  history = [];
  state.draft = points.map((p) => [...p]);
  render(map);
}

function change(map, f) {
  history.push(state.draft.map((p) => [...p]));
  f();
  render(map);
}

/** Takes back the last step; false when there is none. */
export function undo(map) {
  if (!history.length) return false;
  state.draft = history.pop();
  render(map);
  return true;
}

//-- The snap box belongs to the edit controls, which keys that may not edit do not have.
const snapped = (map, e) => ($('snap')?.checked ? snap(map, e.point, e.lngLat).at : [e.lngLat.lng, e.lngLat.lat]);

function nearVertex(map, point) {
  let best = null;
  state.draft.forEach((c, i) => {
    const p = map.project(c);
    const d = Math.hypot(p.x - point.x, p.y - point.y);
    if (d <= GRAB && (!best || d < best.d)) best = { i, d };
  });
  return best?.i ?? null;
}

function nearEdge(map, point) {
  const pts = state.draft;
  for (let i = 0; i < pts.length; i++) {
    const [a, b] = [map.project(pts[i]), map.project(pts[(i + 1) % pts.length])];
    const len2 = (b.x - a.x) ** 2 + (b.y - a.y) ** 2;
    const t = len2 === 0 ? 0 : ((point.x - a.x) * (b.x - a.x) + (point.y - a.y) * (b.y - a.y)) / len2;
    if (t > 0 && t < 1 && Math.hypot(a.x + t * (b.x - a.x) - point.x, a.y + t * (b.y - a.y) - point.y) <= GRAB) return i + 1;
  }
  return null;
}

/** A click while drawing: a new point, or (adjusting a border) a new vertex on an edge. */
export function click(map, e) {
  if (state.mode === 'vertices') {
    const at = nearVertex(map, e.point) === null ? nearEdge(map, e.point) : null;
    if (at !== null) change(map, () => state.draft.splice(at, 0, snapped(map, e)));
    return;
  }
  change(map, () => state.draft.push(snapped(map, e)));
}

/** Vertex dragging for adjusting an existing border. */
export function wireDragging(map) {
  map.on('mousedown', (e) => {
    if (state.mode !== 'vertices') return;
    const i = nearVertex(map, e.point);
    if (i === null) return;
    e.preventDefault();
    history.push(state.draft.map((p) => [...p]));
    dragging = i;
    map.dragPan.disable();
  });
  map.on('mousemove', (e) => {
    if (dragging === null) return;
    state.draft[dragging] = snapped(map, e);
    render(map);
  });
  map.on('mouseup', () => {
    if (dragging === null) return;
    dragging = null;
    map.dragPan.enable();
  });
}

/** The outer ring of a unit's largest part, without its closing point: the border to adjust. */
export function outerRing(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const area = (ring) => Math.abs(ring.reduce((s, c, i) => s + (i ? (ring[i - 1][0] * c[1] - c[0] * ring[i - 1][1]) : 0), 0));
  const ring = polygons.map((p) => p[0]).sort((a, b) => area(b) - area(a))[0];
  return ring.slice(0, -1);
}
