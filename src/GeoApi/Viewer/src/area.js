// The area tool: draw a polygon on the map, and the service (POST /api/area) lists the grids and
// micro-grids it touches with the households inside and who is responsible (names only for keys
// with the `people` permission), each opening its card; the evacuation list downloads as CSV or
// XLSX (?format=).
import { api, json, status, ApiError } from './api.js';
import { $, el } from './dom.js';
import { t, num, onLangChange } from './i18n.js';
import { state } from './state.js';
import { begin, click, undo } from './draw.js';
import { peopleText } from './people.js';

let answer = null;
let area = null;
let open = async () => {};

function setDrawing(map, on) {
  $('area-drawing').hidden = !on;
  $('area-draw').classList.toggle('active', on);
  map.getCanvas().style.cursor = on ? 'crosshair' : '';
  if (on) map.doubleClickZoom.disable(); else map.doubleClickZoom.enable();
}

function stop(map) {
  state.mode = null;
  begin(map);
  setDrawing(map, false);
}

async function finish(map) {
  const pts = state.draft.slice();
  stop(map);
  try {
    if (pts.length < 3) throw new Error(t('area.needCorners'));
    area = { type: 'Polygon', coordinates: [[...pts, pts[0]]] };
    answer = await api('/api/area', json('POST', area));
    //-- The area stays outlined (in the drawing's colour) until the next drawing starts.
    map.getSource('draft').setData({ type: 'Feature', geometry: { type: 'LineString', coordinates: area.coordinates[0] }, properties: {} });
    render();
  } catch (err) { status(err, true); }
}

function render() {
  if (!answer) return;
  $('area-result').hidden = false;
  $('area-summary').textContent = t('area.summary', { households: num(answer.householdCount), grids: answer.grids.length, micro: answer.microGrids.length });
  $('area-list').replaceChildren(...answer.microGrids.map((m) => {
    const li = el('li', null, { 'data-code': m.code });
    const b = el('button', t('area.item', {
      code: m.code, name: m.name, inside: num(m.householdsInside), households: num(m.households), people: peopleText(m.responsible?.people),
    }), { type: 'button', title: m.code });
    b.addEventListener('click', () => open(m.code).catch((err) => status(err, true)));
    li.append(b);
    return li;
  }));
}

/** Downloads the evacuation list of the last area in a format (csv or xlsx). */
async function download(format) {
  if (!area) return;
  const response = await fetch(`/api/area?format=${format}`, { ...json('POST', area), credentials: 'same-origin' });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  const file = `area.${format}`;
  const a = el('a', null, { href: URL.createObjectURL(await response.blob()), download: file });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  status(t('area.exported', { file }));
}

/** A click on the map while drawing an area: a corner. Returns whether the click was the tool's. */
export function areaClick(map, e) {
  if (state.mode !== 'area') return false;
  click(map, e);
  return true;
}

/** Wires the tool; onOpen selects a listed micro-grid. */
export function wireArea(map, onOpen) {
  open = onOpen;
  $('area-draw').addEventListener('click', () => { state.mode = 'area'; begin(map); setDrawing(map, true); });
  $('area-finish').addEventListener('click', () => finish(map));
  $('area-undo').addEventListener('click', () => undo(map));
  $('area-cancel').addEventListener('click', () => stop(map));
  map.on('dblclick', (e) => { if (state.mode === 'area') { e.preventDefault(); finish(map); } });
  for (const format of ['csv', 'xlsx']) $(`area-${format}`).addEventListener('click', () => download(format).catch((err) => status(err, true)));
  onLangChange(render);
}
