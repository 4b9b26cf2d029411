// The map: the service's tiles in the legend's colours, over a plain background or a configured
// base map (basemap.js); every vector tile in the CRS of that base map (state.crs).
import maplibregl from 'maplibre-gl';
import { api } from './api.js';
import { labelLayers, relabel } from './labels.js';
import { state } from './state.js';

/** Opaque, so floor runs stacked on one building territory do not darken it. */
export const COLOURS = { under: '#f5c76b', on: '#7cc191', over: '#e57373' };
export const LAYERS = ['townships', 'villages', 'grids', 'micro_grids', 'village_labels', 'grid_labels', 'micro_grid_labels', 'barriers', 'streets', 'buildings', 'households', 'dept_units'];
export const empty = { type: 'FeatureCollection', features: [] };

const fillClass = ['match', ['get', 'fill_class'], 'under', COLOURS.under, 'over', COLOURS.over, COLOURS.on];

function style() {
  return {
    version: 8,
    sources: {
      ...Object.fromEntries(LAYERS.map((l) => [l, { type: 'vector', url: `${location.origin}/tiles/${l}.json` }])),
      selected: { type: 'geojson', data: empty },
      draft: { type: 'geojson', data: empty },
      proposed: { type: 'geojson', data: empty },
      moved: { type: 'geojson', data: empty },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef0f3' } },
      { id: 'township-fill', type: 'fill', source: 'townships', 'source-layer': 'townships', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.7 } },
      { id: 'micro-fill', type: 'fill', source: 'micro_grids', 'source-layer': 'micro_grids', paint: { 'fill-color': fillClass } },
      { id: 'grid-fill', type: 'fill', source: 'grids', 'source-layer': 'grids', layout: { visibility: 'none' }, paint: { 'fill-color': fillClass } },
      // Streets and barriers over the coverage's colours, under its borders: where a border follows one, it shows.
      { id: 'street-line', type: 'line', source: 'streets', 'source-layer': 'streets', paint: { 'line-color': '#8d99ae', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.5, 17, 2] } },
      { id: 'barrier-line', type: 'line', source: 'barriers', 'source-layer': 'barriers',
        paint: { 'line-color': ['match', ['get', 'kind'], 'river', '#4a90d9', '#b5651d'], 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1, 17, 4] } },
      { id: 'building-fill', type: 'fill', source: 'buildings', 'source-layer': 'buildings', paint: { 'fill-color': '#b8b2a7', 'fill-opacity': 0.55 } },
      { id: 'building-line', type: 'line', source: 'buildings', 'source-layer': 'buildings', paint: { 'line-color': '#7d756a', 'line-width': 0.6 } },
      { id: 'micro-line', type: 'line', source: 'micro_grids', 'source-layer': 'micro_grids', paint: { 'line-color': '#ffffff', 'line-width': 0.8 } },
      { id: 'grid-line', type: 'line', source: 'grids', 'source-layer': 'grids', paint: { 'line-color': '#1d3557', 'line-width': 2 } },
      { id: 'village-line', type: 'line', source: 'villages', 'source-layer': 'villages', paint: { 'line-color': '#6c757d', 'line-width': 1.5, 'line-dasharray': [3, 2] } },
      { id: 'township-line', type: 'line', source: 'townships', 'source-layer': 'townships', paint: { 'line-color': '#000000', 'line-width': 3 } },
      { id: 'households', type: 'circle', source: 'households', 'source-layer': 'households', layout: { visibility: 'none' },
        paint: { 'circle-radius': 2.5, 'circle-color': '#222222', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 0.5 } },
      //-- The selected unit outlined from the tiles (right in either CRS), and from its GeoJSON (units no longer current).
      ...['micro_grids', 'grids', 'villages'].map((l) => ({ id: `selected-${l}`, type: 'line', source: l, 'source-layer': l, filter: ['==', ['get', 'code'], ''],
        paint: { 'line-color': '#7b2cbf', 'line-width': 3.5 } })),
      { id: 'selected-line', type: 'line', source: 'selected', paint: { 'line-color': '#7b2cbf', 'line-width': 3.5 } },
      //-- An edit's preview: the proposed territories over the current ones, households that change micro-grid.
      { id: 'proposed-fill', type: 'fill', source: 'proposed', paint: { 'fill-color': '#7b2cbf', 'fill-opacity': 0.18 } },
      { id: 'proposed-line', type: 'line', source: 'proposed', paint: { 'line-color': '#7b2cbf', 'line-width': 3, 'line-dasharray': [3, 1.5] } },
      { id: 'moved-households', type: 'circle', source: 'moved', paint: { 'circle-radius': 4.5, 'circle-color': '#f77f00', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.2 } },
      { id: 'draft-line', type: 'line', source: 'draft', paint: { 'line-color': '#e63946', 'line-width': 2.5, 'line-dasharray': [2, 1] } },
      ...labelLayers(),
      { id: 'draft-points', type: 'circle', source: 'draft', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#e63946' } },
    ],
  };
}

/** The map in the #map element, with labels in the page's language. */
export function createMap() {
  const map = new maplibregl.Map({
    container: 'map',
    attributionControl: false,
    // No glyph server: MapLibre draws every label's glyphs in the browser with these local fonts
    // (Chinese with the CJK family, digits and Latin with the labels' text-font), so nothing leaves this service.
    localIdeographFontFamily: "'Noto Sans CJK SC', sans-serif",
    style: style(),
    center: [105, 27.4],
    zoom: 12,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }));
  relabel(map);
  return map;
}

/** A layer's TileJSON, its tiles drawn in the CRS of the base map shown. */
const tileJson = (l) => `/tiles/${l}.json${state.crs === 'gcj02' ? '?crs=gcj02' : ''}`;

/** Outlines the selected unit (a code, or null) from the tiles. */
export function outline(map, code) {
  for (const l of ['micro_grids', 'grids', 'villages']) map.setFilter(`selected-${l}`, ['==', ['get', 'code'], code ?? '']);
}

/** New tile URLs (their ?v= stamp changes with every publish) so nothing stale is shown; a
 * service behind a load balancer may learn of the publish a moment later, so ask again briefly. */
export async function refreshTiles(map) {
  const old = map.getSource('micro_grids').tiles?.[0];
  for (let i = 0; i < 20; i++) {
    const tj = await api(tileJson('micro_grids'));
    if (tj.tiles[0] !== old) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await Promise.all(LAYERS.map(async (l) => {
    const tj = await api(tileJson(l));
    map.getSource(l).setTiles(tj.tiles);
  }));
  // Listen, then ask for a frame: an idle that came while the TileJSONs loaded would otherwise be missed.
  await new Promise((r) => { map.once('idle', () => r()); map.triggerRepaint(); setTimeout(r, 10000); });
}
