// Labels: short codes, names and household counts, placed by MapLibre without overlap (symbol
// collision), each level at the zooms where it is readable: townships and villages out far,
// grids in between, micro-grids close in. Villages, grids and micro-grids are labelled at the service's
// label points (one per unit, not one per tile piece). The whole code shows on hover (the map's title).
import { t, onLangChange } from './i18n.js';

const FONT = ['Noto Sans CJK SC', 'sans-serif'];
const halo = { 'text-color': '#1d2433', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 };

/** "户" after a count, in the page's language. */
const households = () => ['concat', ['to-string', ['get', 'household_count']], ' ', t('map.households')];

/** A grid's short code: village and grid serials (the last 6 digits, as 201-002). */
const gridCode = ['concat', ['slice', ['get', 'code'], 9, 12], '-', ['slice', ['get', 'code'], 12]];

/** A micro-grid's short code (its last 3 digits), with its floors when it is a floor run. */
const microText = () => ['case',
  ['==', ['get', 'kind'], 'floor'],
  ['concat', ['slice', ['get', 'code'], 15], ' · ', ['to-string', ['get', 'floor_from']], '–', ['to-string', ['get', 'floor_to']], t('map.floorSuffix'), '\n', households()],
  ['concat', ['slice', ['get', 'code'], 15], '\n', households()]];

const nameText = () => ['case', ['has', 'name'], ['concat', ['get', 'name'], '\n', ['coalesce', ['to-string', ['get', 'household_count']], ''], ['case', ['has', 'household_count'], ['concat', ' ', t('map.households')], '']], ''];

/** The label layers, placed above the coverage (MapLibre hides a label that would overlap another). */
export function labelLayers() {
  return [
    { id: 'township-label', type: 'symbol', source: 'townships', 'source-layer': 'townships', maxzoom: 12,
      layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 16 }, paint: halo },
    { id: 'village-label', type: 'symbol', source: 'village_labels', 'source-layer': 'village_labels', minzoom: 11, maxzoom: 15,
      //-- A village of one grid shares its label point: the name takes a side of it rather than hiding.
      layout: { 'text-field': nameText(), 'text-font': FONT, 'text-size': 13,
        'text-variable-anchor': ['bottom', 'top', 'left', 'right'], 'text-radial-offset': 1.8 }, paint: { ...halo, 'text-color': '#4a5568' } },
    { id: 'grid-label', type: 'symbol', source: 'grid_labels', 'source-layer': 'grid_labels', minzoom: 12.5, maxzoom: 16,
      layout: { 'text-field': ['concat', gridCode, '\n', households()], 'text-font': FONT, 'text-size': 12 }, paint: halo },
    //-- Floor runs stacked on one territory: each may take another anchor around the point, so
    //-- several can show side by side before collision hides the rest.
    { id: 'micro-label', type: 'symbol', source: 'micro_grid_labels', 'source-layer': 'micro_grid_labels', minzoom: 15,
      layout: { 'text-field': microText(), 'text-font': FONT, 'text-size': 11,
        'text-variable-anchor': ['center', 'top', 'bottom', 'left', 'right', 'top-left', 'top-right', 'bottom-left', 'bottom-right'],
        'text-radial-offset': 0.6, 'text-justify': 'auto' },
      paint: { ...halo, 'text-color': '#243042' } },
  ];
}

/** Re-words the labels when the language switches, and shows the whole code under the pointer. */
export function relabel(map) {
  onLangChange(() => {
    map.setLayoutProperty('village-label', 'text-field', nameText());
    map.setLayoutProperty('grid-label', 'text-field', ['concat', gridCode, '\n', households()]);
    map.setLayoutProperty('micro-label', 'text-field', microText());
  });
  map.on('mousemove', (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: ['micro-fill', 'grid-fill', 'micro-label', 'grid-label'] })[0];
    map.getCanvas().title = hit ? hit.properties.code : '';
  });
}
