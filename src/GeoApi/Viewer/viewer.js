// GridSpatial viewer: coverage of grids and micro-grids from the service's vector tiles, a card
// per unit with its code history, search, size histogram and report, and editing for GIS staff
// (redraw, split, merge, pin) previewed as a diff before it is published. Everything it loads
// comes from this service: no base map, no CDN.
(() => {
  'use strict';

  // Opaque, so floor runs stacked on one building territory do not darken it.
  const COLOURS = { under: '#f5c76b', on: '#7cc191', over: '#e57373' };
  const LAYERS = ['townships', 'villages', 'grids', 'micro_grids', 'barriers', 'streets', 'households'];
  const $ = (id) => document.getElementById(id);
  const state = { township: null, level: 'micro_grids', selected: null, mode: null, draft: [], pending: null, version: null };
  let resolveReady;
  const ready = new Promise((r) => { resolveReady = r; });

  // -- The service, with the operator's API key when one is set (localStorage.gridspatialKey).
  const apiKey = () => localStorage.getItem('gridspatialKey') || new URLSearchParams(location.search).get('key') || '';
  const headers = (extra = {}) => (apiKey() ? { 'X-Api-Key': apiKey(), ...extra } : extra);

  async function api(path, options = {}) {
    const response = await fetch(path, { ...options, headers: headers(options.headers || {}) });
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = null; }
    if (response.status === 401 && !options.retried) {
      const key = window.prompt('This service needs an API key (X-Api-Key):');
      if (key) { localStorage.setItem('gridspatialKey', key.trim()); return api(path, { ...options, retried: true }); }
    }
    if (!response.ok) {
      const problem = body || {};
      throw new Error(`${problem.title || response.status}: ${problem.detail || response.statusText}`);
    }
    return body;
  }

  function status(message, error = false) {
    $('status').textContent = message;
    $('status').classList.toggle('error', error);
  }

  // -- The map: no base map, only the service's tiles.
  const fillClass = ['match', ['get', 'fill_class'], 'under', COLOURS.under, 'over', COLOURS.over, COLOURS.on];
  const empty = { type: 'FeatureCollection', features: [] };
  const map = new maplibregl.Map({
    container: 'map',
    attributionControl: false,
    transformRequest: (url) => (url.startsWith(location.origin) ? { url, headers: headers() } : { url }),
    style: {
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
        { id: 'draft-points', type: 'circle', source: 'draft', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#e63946' } },
      ],
    },
    center: [105, 27.4],
    zoom: 12,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }));

  // -- Townships, report and histogram.
  async function loadTownships() {
    const townships = await api('/api/townships');
    const select = $('township');
    select.innerHTML = '';
    for (const t of townships) {
      const o = document.createElement('option');
      o.value = t.code;
      o.textContent = `${t.name} ${t.code}${t.currentVersion ? ` · v${t.currentVersion}` : ' · not partitioned'}`;
      o.dataset.bbox = JSON.stringify(t.bbox);
      select.append(o);
    }
    const wanted = new URLSearchParams(location.search).get('township');
    const first = townships.find((t) => t.code === wanted) || townships.find((t) => t.currentVersion) || townships[0];
    if (first) { select.value = first.code; await openTownship(first.code, true); }
  }

  async function openTownship(code, fit) {
    state.township = code;
    const option = [...$('township').options].find((o) => o.value === code);
    if (fit && option && option.dataset.bbox !== 'null') {
      const b = JSON.parse(option.dataset.bbox);
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 20, animate: false });
    }
    await Promise.all([loadReport(code), loadHistogram(code)]);
  }

  async function loadReport(code) {
    const table = $('figures');
    table.innerHTML = '';
    try {
      const r = await api(`/api/townships/${code}/report`);
      state.version = r.version;
      const pct = (v) => (v == null ? '—' : `${(v * 100).toFixed(1)} %`);
      const rows = [
        ['Version', r.version], ['Households', r.households], ['Micro-grids', r.micro_grids], ['Grids', r.grids],
        ['Clusters with 8–12', pct(r.cluster_share_8_12)], ['Clusters with 5–15', pct(r.cluster_share_5_15)],
        ['Barrier crossings', r.barrier_crossings], ['Gap area ratio', r.gap_area_ratio.toExponential(1)],
        ['Overlap area ratio', r.overlap_area_ratio.toExponential(1)], ['Non-contiguous', r.non_contiguous],
        ['Outside own territory', r.households_outside_own_territory], ['Polsby–Popper mean', r.polsby_popper_mean],
        ['Dispersion mean (m)', r.dispersion_m_mean], ['Code stability', pct(r.code_stability)],
      ];
      for (const [k, v] of rows) table.insertAdjacentHTML('beforeend', `<tr><td>${k}</td><td>${v ?? '—'}</td></tr>`);
    } catch (e) {
      table.innerHTML = `<tr><td>${e.message}</td></tr>`;
    }
  }

  async function loadHistogram(code) {
    const svg = $('histogram');
    svg.innerHTML = '';
    const h = await api(`/api/townships/${code}/histogram`);
    if (!h.bins.length) return;
    const maxSize = Math.min(40, Math.max(...h.bins.map((b) => b.households)));
    const counts = new Map();
    for (const b of h.bins) {
      const k = Math.min(b.households, maxSize);
      counts.set(k, (counts.get(k) || 0) + b.cluster + b.building + b.floor);
    }
    const top = Math.max(...counts.values());
    const width = 300 / (maxSize + 1);
    for (let s = 0; s <= maxSize; s++) {
      const n = counts.get(s) || 0;
      const height = (n / top) * 100;
      const cls = s < h.clusterMin ? 'under' : s > h.clusterMax ? 'over' : 'on';
      svg.insertAdjacentHTML('beforeend',
        `<rect x="${s * width}" y="${105 - height}" width="${Math.max(1, width - 1)}" height="${height}" fill="${COLOURS[cls]}"><title>${s}${s === maxSize ? '+' : ''} households: ${n}</title></rect>`);
      if (s % 5 === 0) svg.insertAdjacentHTML('beforeend', `<text x="${s * width}" y="117">${s}</text>`);
    }
  }

  // -- Selection and the card.
  async function select(code) {
    const unit = await api(`/api/codes/${code}`);
    state.selected = unit;
    map.getSource('selected').setData(unit.geometry ? { type: 'Feature', geometry: unit.geometry, properties: {} } : empty);
    $('card').hidden = false;
    $('card-title').textContent = `${unit.level === 'grid' ? 'Grid 网格' : unit.level === 'micro_grid' ? 'Micro-grid 微网格' : unit.level} ${unit.code}`;
    const fields = [
      ['Code', unit.code], ['Level', unit.level], ['Kind', unit.level === 'micro_grid' ? unit.name ?? '—' : unit.level],
      ['Households', unit.householdCount ?? '—'], ['Parent', unit.parent ?? '—'], ['Status', unit.status],
      ['Children', unit.children ?? '—'],
    ];
    // A building or floor micro-grid: its building, floors and unit (单元), Chinese first.
    const b = unit.building;
    if (b) {
      fields.push(['楼栋 Building', b.id, 'building']);
      if (b.floorFrom != null) fields.push(['楼层 Floors', b.floorFrom === b.floorTo ? `${b.floorFrom}` : `${b.floorFrom}–${b.floorTo}`, 'floors']);
      if (b.unit != null) fields.push(['单元 Unit', b.unit, 'unit']);
    }
    // Text, never markup: building ids and units are what households were imported with.
    $('card-fields').replaceChildren(...fields.flatMap(([k, v, key]) => {
      const dt = document.createElement('dt');
      const dd = document.createElement('dd');
      dt.textContent = k;
      dd.textContent = `${v}`;
      dd.dataset.field = key ?? k.toLowerCase();
      return [dt, dd];
    }));
    const h = unit.history;
    $('card-history').innerHTML = h
      ? `Valid from v${h.validFrom}${h.validTo ? ` to v${h.validTo}` : ''}` +
        (h.predecessors.length ? `<br>From: ${h.predecessors.join(', ')}` : '') +
        (h.successors.length ? `<br>Went to: ${h.successors.join(', ')}` : '')
      : '';
    const pinned = await isPinned(unit);
    $('edit-pin').textContent = pinned ? 'Unpin' : 'Pin';
    $('edit-pin').dataset.pinned = pinned ? 'true' : 'false';
    return unit;
  }

  async function isPinned(unit) {
    if (!unit.geometry || unit.status !== 'current') return false;
    const layer = unit.level === 'grid' ? 'grids' : 'micro_grids';
    const features = map.querySourceFeatures(layer, { sourceLayer: layer, filter: ['==', ['get', 'code'], unit.code] });
    return features.some((f) => f.properties.pinned === true || f.properties.pinned === 'true');
  }

  function unitAt(point) {
    const layer = state.level === 'grids' ? 'grid-fill' : 'micro-fill';
    const hit = map.queryRenderedFeatures(point, { layers: [layer] })[0];
    return hit ? hit.properties.code : null;
  }

  map.on('click', async (e) => {
    if (state.mode === 'redraw' || state.mode === 'split') {
      state.draft.push([e.lngLat.lng, e.lngLat.lat]);
      drawDraft();
      return;
    }
    const code = unitAt(e.point);
    if (!code) return;
    try {
      if (state.mode === 'merge') {
        state.mode = null;
        setDrawing(false);
        await preview('POST', '/api/codes/merge', { codes: [state.selected.code, code] });
        return;
      }
      await select(code);
    } catch (err) { status(err.message, true); }
  });
  map.on('dblclick', (e) => { if (state.mode === 'redraw' || state.mode === 'split') { e.preventDefault(); finishDrawing(); } });

  // -- Search: a code, else a household id.
  async function search() {
    const q = $('search').value.trim();
    if (!q) return;
    try {
      let code = q;
      if (!/^\d{15}(\d{3})?$/.test(q)) {
        const g = await api(`/api/households/${encodeURIComponent(q)}/grid`);
        code = g.microGridCode;
      }
      const unit = await select(code);
      if (unit.geometry) {
        const b = bounds(unit.geometry);
        map.fitBounds(b, { padding: 80, maxZoom: 17, animate: false });
      }
      status(`Found ${code}`);
    } catch (err) { status(err.message, true); }
  }

  function bounds(geometry) {
    const b = [[Infinity, Infinity], [-Infinity, -Infinity]];
    const walk = (c) => { if (typeof c[0] === 'number') { b[0][0] = Math.min(b[0][0], c[0]); b[0][1] = Math.min(b[0][1], c[1]); b[1][0] = Math.max(b[1][0], c[0]); b[1][1] = Math.max(b[1][1], c[1]); } else c.forEach(walk); };
    walk(geometry.coordinates);
    return b;
  }

  // -- Editing: draw, preview the diff, publish.
  function setDrawing(on, hint = '') {
    $('drawing').hidden = !on;
    $('drawing-hint').textContent = hint;
    for (const id of ['edit-redraw', 'edit-split', 'edit-merge']) $(id).classList.toggle('active', on && state.mode && id.endsWith(state.mode));
    if (on) map.doubleClickZoom.disable(); else map.doubleClickZoom.enable();
    map.getCanvas().style.cursor = on ? 'crosshair' : '';
  }

  function drawDraft() {
    const pts = state.draft;
    const features = pts.map((c) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: c }, properties: {} }));
    if (pts.length > 1) {
      const line = state.mode === 'redraw' && pts.length > 2 ? [...pts, pts[0]] : pts;
      features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: line }, properties: {} });
    }
    map.getSource('draft').setData({ type: 'FeatureCollection', features });
  }

  function startDrawing(mode) {
    if (!state.selected) return;
    state.mode = mode;
    state.draft = [];
    drawDraft();
    setDrawing(true, mode === 'redraw' ? 'Click the corners of the new boundary' : mode === 'split' ? 'Click a line across the unit' : 'Click the neighbour to merge with');
  }

  function cancelDrawing() {
    state.mode = null;
    state.draft = [];
    drawDraft();
    setDrawing(false);
  }

  async function finishDrawing() {
    const mode = state.mode;
    const pts = state.draft.slice();
    cancelDrawing();
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

  async function publish() {
    const p = state.pending;
    if (!p) return;
    $('publish').disabled = true;
    try {
      const result = await api(p.path, { method: p.method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(p.body) });
      state.pending = null;
      $('preview').hidden = true;
      await refreshTiles();
      const keep = state.selected && result.changes.some((c) => c.code === state.selected.code && c.change !== 'removed');
      if (keep) await select(state.selected.code);
      await openTownship(state.township, false);
      status(`Published version ${result.version}`);
    } catch (err) { status(err.message, true); } finally { $('publish').disabled = false; }
  }

  async function togglePin() {
    const unit = state.selected;
    if (!unit) return;
    const pinned = $('edit-pin').dataset.pinned === 'true';
    try {
      const result = await api(`/api/codes/${unit.code}/pin`, {
        method: pinned ? 'DELETE' : 'POST', headers: { 'Content-Type': 'application/json' },
        body: pinned ? undefined : JSON.stringify({ reason: $('reason').value.trim() || undefined }),
      });
      await refreshTiles();
      await select(unit.code);
      status(`${pinned ? 'Unpinned' : 'Pinned'} ${unit.code} (version ${result.version})`);
    } catch (err) { status(err.message, true); }
  }

  // New tile URLs (their ?v= stamp changes with every publish) so nothing stale is shown; a
  // service behind a load balancer may learn of the publish a moment later, so ask again briefly.
  async function refreshTiles() {
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

  // -- Wiring.
  $('township').addEventListener('change', (e) => openTownship(e.target.value, true).catch((err) => status(err.message, true)));
  $('search-go').addEventListener('click', search);
  $('search').addEventListener('keydown', (e) => { if (e.key === 'Enter') search(); });
  $('level').addEventListener('change', (e) => {
    state.level = e.target.value;
    map.setLayoutProperty('micro-fill', 'visibility', state.level === 'micro_grids' ? 'visible' : 'none');
    map.setLayoutProperty('grid-fill', 'visibility', state.level === 'grids' ? 'visible' : 'none');
  });
  $('show-households').addEventListener('change', (e) => map.setLayoutProperty('households', 'visibility', e.target.checked ? 'visible' : 'none'));
  $('edit-redraw').addEventListener('click', () => startDrawing('redraw'));
  $('edit-split').addEventListener('click', () => startDrawing('split'));
  $('edit-merge').addEventListener('click', () => startDrawing('merge'));
  $('edit-pin').addEventListener('click', togglePin);
  $('draw-finish').addEventListener('click', finishDrawing);
  $('draw-cancel').addEventListener('click', cancelDrawing);
  $('publish').addEventListener('click', publish);
  $('discard').addEventListener('click', () => { state.pending = null; $('preview').hidden = true; status('Discarded.'); });

  map.on('load', async () => {
    try {
      await loadTownships();
      // Ask for a repaint after listening: the map may have gone idle while the townships loaded,
      // and an idle event comes only after a frame.
      map.once('idle', () => resolveReady());
      map.triggerRepaint();
    } catch (err) { status(err.message, true); resolveReady(); }
  });

  window.gridspatial = { map, state, ready, select, refreshTiles };
})();
