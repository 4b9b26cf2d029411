// Snapping while drawing: a point put down near a street, a barrier, a building or an existing
// border lands exactly on it — on a vertex when one is near, else on the nearest point of a
// segment — as a GIS clerk would trace along what is already on the map. Existing borders come
// first (a vertex of a border, then of a street, barrier or building; then a border's segment,
// then another's), so a drawn boundary meets its neighbours exactly.
const LAYERS = ['street-line', 'barrier-line', 'building-line', 'micro-line', 'grid-line', 'village-line', 'township-line'];
const TOLERANCE = 10;
const BORDERS = new Set(['micro-line', 'grid-line', 'village-line', 'township-line']);

function lines(geometry) {
  switch (geometry.type) {
    case 'LineString': return [geometry.coordinates];
    case 'MultiLineString': case 'Polygon': return geometry.coordinates;
    case 'MultiPolygon': return geometry.coordinates.flat();
    default: return [];
  }
}

/** The snapped lon/lat for a screen point (or the point itself when nothing is near), and what it snapped to. */
export function snap(map, point, lngLat) {
  const box = [[point.x - TOLERANCE, point.y - TOLERANCE], [point.x + TOLERANCE, point.y + TOLERANCE]];
  const layers = LAYERS.filter((l) => map.getLayer(l) && map.getLayoutProperty(l, 'visibility') !== 'none');
  //-- The nearest candidate of each rank: [border vertex, other vertex, border segment, other segment].
  const best = [null, null, null, null];
  const offer = (rank, d, at, layer) => { if (d <= TOLERANCE && (!best[rank] || d < best[rank].d)) best[rank] = { d, at, layer }; };
  for (const f of map.queryRenderedFeatures(box, { layers })) {
    const other = BORDERS.has(f.layer.id) ? 0 : 1;
    for (const line of lines(f.geometry)) {
      const screen = line.map((c) => map.project(c));
      screen.forEach((p, i) => {
        offer(other, Math.hypot(p.x - point.x, p.y - point.y), line[i], f.layer.id);
      });
      for (let i = 1; i < screen.length; i++) {
        const [a, b] = [screen[i - 1], screen[i]];
        const len2 = (b.x - a.x) ** 2 + (b.y - a.y) ** 2;
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((point.x - a.x) * (b.x - a.x) + (point.y - a.y) * (b.y - a.y)) / len2));
        const q = { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) };
        //-- Interpolated in lon/lat along the segment: exact on the line at this zoom's precision.
        const [c0, c1] = [line[i - 1], line[i]];
        offer(2 + other, Math.hypot(q.x - point.x, q.y - point.y), [c0[0] + t * (c1[0] - c0[0]), c0[1] + t * (c1[1] - c0[1])], f.layer.id);
      }
    }
  }
  const hit = best.find((b) => b);
  return hit ? { at: hit.at, layer: hit.layer } : { at: [lngLat.lng, lngLat.lat], layer: null };
}
