// Departmental layers (多网合一) as switchable overlays: the open township's layers are listed with
// a check box each; a checked layer is drawn as outlines from the dept_units tiles (filtered by its
// layer and township), with its fit against the grid in one line and its crosswalk as XLSX.
// Below them the township's nesting (server: Layers/NestingEndpoints): which layer its grids or
// micro-grids nest in; an editor whose jurisdiction holds the township sets or clears it, which
// asks for a recompute and follows its job until the new version is drawn.
import { api, json, status } from './api.js';
import { $, el } from './dom.js';
import { t, num, pct, onLangChange } from './i18n.js';
import { session, may } from './session.js';

const PALETTE = ['#d62828', '#0077b6', '#6a4c93', '#2a9d8f', '#e76f51', '#588157'];
let shown = { township: null, layers: [], nesting: null, report: null };
let afterRecompute = async () => {};

const layerId = (name) => `dept-${name}`;

function overlay(map, township, name, colour) {
  if (map.getLayer(layerId(name))) return;
  map.addLayer({
    id: layerId(name), type: 'line', source: 'dept_units', 'source-layer': 'dept_units',
    filter: ['all', ['==', ['get', 'layer'], name], ['==', ['get', 'township'], township]],
    paint: { 'line-color': colour, 'line-width': 2.5, 'line-dasharray': [3, 1.5] },
  }, 'selected-line');
}

async function fitLine(township, name, target) {
  const fit = await api(`/api/townships/${township}/layers/${name}/fit`);
  target.textContent = t('layers.fit', {
    nested: pct(fit.microGridsNestedShare), grids: pct(fit.gridsNestedShare),
    gap: num(Math.round(fit.gapArea)), overlaps: num(fit.overlaps.length), splits: num(fit.splits.length),
  });
}

function render(map) {
  const { township, layers } = shown;
  $('dept-none').hidden = layers.length > 0;
  $('dept-layers').replaceChildren(...layers.map((l, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const box = el('input', null, { type: 'checkbox', 'data-layer': l.layer });
    box.checked = map.getLayer(layerId(l.layer)) != null && map.getLayoutProperty(layerId(l.layer), 'visibility') !== 'none';
    const fit = el('p', null, { class: 'sub' });
    box.addEventListener('change', async () => {
      overlay(map, township, l.layer, colour);
      map.setLayoutProperty(layerId(l.layer), 'visibility', box.checked ? 'visible' : 'none');
      if (box.checked) await fitLine(township, l.layer, fit).catch(() => { fit.textContent = ''; });
    });
    const label = el('label', null, { class: 'check' });
    label.append(box, el('span', null, { class: 'line', style: `border-color: ${colour}` }),
      el('span', ` ${l.title || l.layer} · ${t('layers.units', { units: num(l.units), version: l.version })}`));
    const link = el('a', t('layers.crosswalk'), { href: `/api/townships/${township}/layers/${l.layer}/crosswalk.xlsx`, download: '' });
    const item = el('li');
    item.append(label, link, fit);
    return item;
  }));
}

/** A difference with its sign (+2, −1.5%, ±0). */
const signed = (v, unit = '') => (v == null ? '—' : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${num(Math.abs(v))}${unit}`);

const mayChange = (township) => may('edit') && township.startsWith(session.jurisdiction);

function renderNesting() {
  const { township, layers, nesting } = shown;
  $('nesting').hidden = layers.length === 0 && !nesting?.layer;
  const title = (name) => layers.find((l) => l.layer === name)?.title || name;
  $('nesting-state').textContent = nesting?.layer
    ? t('nesting.state', { level: t(nesting.level === 'grid' ? 'nesting.levelGrid' : 'nesting.levelMicro'), layer: title(nesting.layer), version: nesting.layerVersion })
    : t('nesting.none');
  const cost = nesting?.layer && shown.report?.nesting?.layer === nesting.layer ? shown.report.nesting.cost : null;
  $('nesting-cost').hidden = !cost;
  if (cost) {
    const d = cost.difference;
    $('nesting-cost').textContent = t('nesting.cost', {
      grids: signed(d.grids), share: signed(d.cluster_share_8_12 == null ? null : Math.round(d.cluster_share_8_12 * 1000) / 10, '%'),
      below: num(cost.nested.clusters_below_hard_min), band: signed(Math.round(d.grid_share_in_band * 1000) / 10, '%'),
    }) + (cost.carried ? t('nesting.carried', { version: cost.measured_at_version }) : '');
  }
  $('nesting-form').hidden = !mayChange(township) || layers.length === 0;
  $('nesting-layer').replaceChildren(...layers.map((l) => el('option', l.title || l.layer, { value: l.layer })));
  if (nesting?.layer) { $('nesting-layer').value = nesting.layer; $('nesting-level').value = nesting.level; }
  $('nesting-clear').disabled = !nesting?.layer;
}

/** Waits for a recompute job (polled, up to 10 minutes) and says how it ended. */
async function follow(statusUrl) {
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const job = await api(statusUrl);
    if (job.state === 'Succeeded') return true;
    if (job.state === 'Failed' || job.state === 'Deleted') return false;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

/** Sets (layer and level) or clears (null) the township's nesting, then recomputes it. */
async function changeNesting(choice) {
  const township = shown.township;
  const path = `/api/townships/${township}/nesting`;
  for (const b of $('nesting-form').querySelectorAll('button')) b.disabled = true;
  try {
    shown.nesting = choice ? await api(path, json('PUT', choice)) : await api(path, json('DELETE'));
    renderNesting();
    status(t('nesting.recomputing'));
    const job = await api(`/api/townships/${township}/partition`, json('POST'));
    const done = await follow(job.statusUrl);
    if (done && shown.township === township) await afterRecompute();
    status(t(done ? 'nesting.recomputed' : 'nesting.failed'), !done);
  } catch (err) { status(err, true); } finally {
    for (const b of $('nesting-form').querySelectorAll('button')) b.disabled = false;
    renderNesting();
  }
}

/** Lists the township's departmental layers (hiding the overlays of the township before) and its nesting. */
export async function loadLayers(map, township) {
  for (const l of shown.layers) if (map.getLayer(layerId(l.layer))) map.removeLayer(layerId(l.layer));
  const [layers, nesting, report] = await Promise.all([api(`/api/townships/${township}/layers`), api(`/api/townships/${township}/nesting`),
    api(`/api/townships/${township}/report`).catch(() => null)]);
  shown = { township, layers, nesting, report };
  render(map);
  renderNesting();
}

/** onRecompute runs after a recompute asked for here has published (tiles, township list, report, these lists). */
export function wireLayers(map, onRecompute) {
  afterRecompute = onRecompute;
  onLangChange(() => { render(map); renderNesting(); });
  $('nesting-form').addEventListener('submit', (e) => {
    e.preventDefault();
    changeNesting({ layer: $('nesting-layer').value, level: $('nesting-level').value });
  });
  $('nesting-clear').addEventListener('click', () => {
    if (window.confirm(t('nesting.confirmClear'))) changeNesting(null);
  });
}
