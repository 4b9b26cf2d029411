// Base maps and reference layers. The service says which base maps it may offer
// (/api/viewer/config, from Viewer:BaseMaps: XYZ or WMTS raster tiles, e.g. 天地图 with its key, or an
// intranet tile server); none is the default, so a service without internet shows its plain
// background. A base map's tiles go under the coverage, its annotation (place and road names) above
// it. A base map drawn in GCJ-02 (高德 and other Chinese web maps) gets the overlay in GCJ-02 too:
// the service draws every vector tile for it (?crs=gcj02, see Tiles/TileCrs), so the page never
// shifts a coordinate itself. Drawing an edit needs the true coordinates, so it happens on a WGS 84
// / CGCS2000 base map (edit.js switches before drawing).
import { api } from './api.js';
import { $, el } from './dom.js';
import { t, lang, onLangChange } from './i18n.js';
import { state } from './state.js';
import { refreshTiles } from './map.js';

const NONE = '';
let maps = [];

/** The reference layers a user may switch on and off (map layer ids per checkbox). */
const REFERENCE = {
  streets: ['street-line'], barriers: ['barrier-line'], buildings: ['building-fill', 'building-line'],
  households: ['households'], villages: ['village-line', 'village-label'], townships: ['township-line', 'township-label'],
};

const nameOf = (b) => (lang === 'en' && b.nameEn ? b.nameEn : b.name);

function fillSwitcher() {
  const list = $('basemap');
  list.replaceChildren(el('option', t('basemap.none'), { value: NONE }), ...maps.map((b) => el('option', nameOf(b), { value: b.id })));
  list.value = state.baseMap ?? NONE;
  $('basemap-row').hidden = maps.length === 0;
}

/** Shows base map id (or none): its tiles under the coverage, its annotation above, the overlay in its CRS. */
export async function showBaseMap(map, id) {
  const b = maps.find((m) => m.id === id) ?? null;
  for (const layer of ['basemap', 'basemap-annotation']) if (map.getLayer(layer)) map.removeLayer(layer);
  for (const source of ['basemap', 'basemap-annotation']) if (map.getSource(source)) map.removeSource(source);
  state.baseMap = b?.id ?? null;
  $('basemap').value = b?.id ?? NONE;
  $('attribution').textContent = b?.attribution ?? '';
  //-- Over a base map the coverage is see-through, so streets and houses show under the colours.
  map.setPaintProperty('micro-fill', 'fill-opacity', b ? 0.55 : 1);
  map.setPaintProperty('grid-fill', 'fill-opacity', b ? 0.55 : 1);
  map.setPaintProperty('township-fill', 'fill-opacity', b ? 0 : 0.7);
  if (b) {
    const raster = (tiles) => ({ type: 'raster', tiles, tileSize: b.tileSize, minzoom: b.minZoom, maxzoom: b.maxZoom, attribution: b.attribution });
    map.addSource('basemap', raster(b.tiles));
    map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, 'township-fill');
    if (b.annotation.length) {
      map.addSource('basemap-annotation', raster(b.annotation));
      map.addLayer({ id: 'basemap-annotation', type: 'raster', source: 'basemap-annotation' }, 'selected-line');
    }
  }
  const crs = b?.crs === 'gcj02' ? 'gcj02' : 'wgs84';
  if (crs !== state.crs) {
    state.crs = crs;
    //-- GeoJSON drawn by the page (the selected unit's outline, a draft, a preview) is in WGS 84:
    //-- over a GCJ-02 base map the selection is outlined from the tiles instead.
    for (const layer of ['selected-line', 'draft-line', 'draft-points', 'proposed-fill', 'proposed-line', 'moved-households'])
      if (map.getLayer(layer)) map.setLayoutProperty(layer, 'visibility', crs === 'gcj02' ? 'none' : 'visible');
    await refreshTiles(map);
  }
}

/** Reads the configured base maps and wires the switcher and the reference layers' checkboxes. */
export async function wireBaseMaps(map) {
  const config = await api('/api/viewer/config');
  maps = config.baseMaps;
  fillSwitcher();
  onLangChange(fillSwitcher);
  $('basemap').addEventListener('change', (e) => showBaseMap(map, e.target.value || null));
  for (const [name, layers] of Object.entries(REFERENCE)) {
    const box = $(`ref-${name}`);
    const show = () => layers.forEach((l) => map.setLayoutProperty(l, 'visibility', box.checked ? 'visible' : 'none'));
    box.addEventListener('change', show);
    show();
  }
  if (config.defaultBaseMap) await showBaseMap(map, config.defaultBaseMap);
}
