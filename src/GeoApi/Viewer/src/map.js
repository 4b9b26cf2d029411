// The map: no base map, only the service's tiles, in the legend's colours.
import maplibregl from 'maplibre-gl';
import { api } from './api.js';
import { labelLayers, relabel } from './labels.js';

/** Opaque, so floor runs stacked on one building territory do not darken it. */
export const COLOURS = { under: '#f5c76b', on: '#7cc191', over: '#e57373' };
export const LAYERS = ['townships', 'villages', 'grids', 'micro_grids', 'village_labels', 'grid_labels', 'micro_grid_labels', 'barriers', 'streets', 'households', 'dept_units'];
export const empty = { type: 'FeatureCollection', features: [] };

const fillClass = ['match', ['get', 'fill_class'], 'under', COLOURS.under, 'over', COLOURS.over, COLOURS.on];

function style() {
  return {
    version: 8,
    sources: {
      ...Object.fromEntries(LAYERS.map((l) => [l, { type: 'vector', url: `${location.origin}/tiles/${l}.json` }])),
      selected: { type: 'geojson', data: empty },
      draft: { type: 'geojson', data: empty },
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
      { id: 'micro-line', type: 'line', source: 'micro_grids', 'source-layer': 'micro_grids', paint: { 'line-color': '#ffffff', 'line-width': 0.8 } },
      { id: 'grid-line', type: 'line', source: 'grids', 'source-layer': 'grids', paint: { 'line-color': '#1d3557', 'line-width': 2 } },
      { id: 'village-line', type: 'line', source: 'villages', 'source-layer': 'villages', paint: { 'line-color': '#6c757d', 'line-width': 1.5, 'line-dasharray': [3, 2] } },
      { id: 'township-line', type: 'line', source: 'townships', 'source-layer': 'townships', paint: { 'line-color': '#000000', 'line-width': 3 } },
      { id: 'households', type: 'circle', source: 'households', 'source-layer': 'households', layout: { visibility: 'none' },
        paint: { 'circle-radius': 2.5, 'circle-color': '#222222', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 0.5 } },
      { id: 'selected-line', type: 'line', source: 'selected', paint: { 'line-color': '#7b2cbf', 'line-width': 3.5 } },
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

/** New tile URLs (their ?v= stamp changes with every publish) so nothing stale is shown; a
 * service behind a load balancer may learn of the publish a moment later, so ask again briefly. */
export async function refreshTiles(map) {
  const old = map.getSource('micro_grids').tiles?.[0];
  for (let i = 0; i < 20; i++) {
    const tj = await api('/tiles/micro_grids.json');
    if (tj.tiles[0] !== old) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await Promise.all(LAYERS.map(async (l) => {
    const tj = await api(`/tiles/${l}.json`);
    map.getSource(l).setTiles(tj.tiles);
  }));
  // Listen, then ask for a frame: an idle that came while the TileJSONs loaded would otherwise be missed.
  await new Promise((r) => { map.once('idle', () => r()); map.triggerRepaint(); setTimeout(r, 10000); });
}
