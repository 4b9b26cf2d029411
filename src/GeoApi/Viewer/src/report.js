// The township's quality report in plain words (the raw figures one click away) and the
// histogram of micro-grid sizes.
import { api, ApiError } from './api.js';
import { $, el } from './dom.js';
import { t, num, pct, onLangChange } from './i18n.js';
import { state } from './state.js';
import { COLOURS } from './map.js';

//-- Below this share of the township's area, a gap or overlap is rounding, not a hole.
const NEGLIGIBLE = 1e-6;
const FIGURES = ['version', 'households', 'micro_grids', 'grids', 'cluster_share_8_12', 'cluster_share_5_15', 'barrier_crossings',
  'gap_area_ratio', 'overlap_area_ratio', 'non_contiguous', 'households_outside_own_territory', 'polsby_popper_mean',
  'dispersion_m_mean', 'code_stability'];
const SHARES = new Set(['cluster_share_8_12', 'cluster_share_5_15', 'code_stability']);

const last = { report: null, histogram: null };

/** Plain sentences about a report: what a grid officer needs to know, good news included. */
function sentences(r) {
  const lines = [t('report.overview', { version: r.version, households: num(r.households), grids: num(r.grids), micro: num(r.micro_grids) })];
  const coverageOk = r.gap_area_ratio < NEGLIGIBLE && r.overlap_area_ratio < NEGLIGIBLE;
  lines.push(coverageOk ? t('report.coverageOk') : t('report.coverageBad', { gap: pct(r.gap_area_ratio), overlap: pct(r.overlap_area_ratio) }));
  const outside = r.households_outside_own_territory ?? 0;
  lines.push(outside === 0 ? t('report.assignedOk') : t('report.assignedBad', { n: num(outside) }));
  if (r.cluster_share_8_12 != null) lines.push(t('report.clusters', { share: pct(r.cluster_share_8_12) }));
  lines.push((r.barrier_crossings ?? 0) === 0 ? t('report.barriersOk') : t('report.barriersBad', { n: num(r.barrier_crossings) }));
  lines.push((r.non_contiguous ?? 0) === 0 ? t('report.contiguousOk') : t('report.contiguousBad', { n: num(r.non_contiguous) }));
  if (r.code_stability != null) lines.push(t('report.stability', { share: pct(r.code_stability) }));
  return lines;
}

function renderReport() {
  const r = last.report;
  if (!r) { $('report-summary').replaceChildren(el('li', t('report.none'))); $('figures').replaceChildren(); return; }
  $('report-summary').replaceChildren(...sentences(r).map((s) => el('li', s)));
  $('figures').replaceChildren(...FIGURES.map((k) => {
    const v = r[k];
    const shown = v == null ? '—' : SHARES.has(k) ? pct(v) : typeof v === 'number' && Math.abs(v) > 0 && Math.abs(v) < 0.001 ? v.toExponential(1) : v;
    const row = el('tr', null, { 'data-figure': k });
    row.append(el('td', t(`fig.${k}`)), el('td', shown));
    return row;
  }));
}

/** Loads the township's report (none when it is not partitioned yet). */
export async function loadReport(code) {
  try {
    last.report = await api(`/api/townships/${code}/report`);
    state.version = last.report.version;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    last.report = null;
  }
  renderReport();
}

function renderHistogram() {
  const svg = $('histogram');
  svg.replaceChildren();
  const h = last.histogram;
  if (!h || !h.bins.length) return;
  const maxSize = Math.min(40, Math.max(...h.bins.map((b) => b.households)));
  const counts = new Map();
  for (const b of h.bins) {
    const k = Math.min(b.households, maxSize);
    counts.set(k, (counts.get(k) || 0) + b.cluster + b.building + b.floor);
  }
  const top = Math.max(...counts.values());
  const width = 300 / (maxSize + 1);
  const ns = 'http://www.w3.org/2000/svg';
  for (let s = 0; s <= maxSize; s++) {
    const n = counts.get(s) || 0;
    const height = (n / top) * 100;
    const cls = s < h.clusterMin ? 'under' : s > h.clusterMax ? 'over' : 'on';
    const rect = document.createElementNS(ns, 'rect');
    for (const [k, v] of Object.entries({ x: s * width, y: 105 - height, width: Math.max(1, width - 1), height, fill: COLOURS[cls] })) rect.setAttribute(k, v);
    const title = document.createElementNS(ns, 'title');
    title.textContent = t('histogram.bar', { size: s, plus: s === maxSize ? '+' : '', n });
    rect.append(title);
    svg.append(rect);
    if (s % 5 === 0) {
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('x', s * width);
      label.setAttribute('y', 117);
      label.textContent = `${s}`;
      svg.append(label);
    }
  }
}

export async function loadHistogram(code) {
  last.histogram = await api(`/api/townships/${code}/histogram`);
  renderHistogram();
}

onLangChange(() => { renderReport(); renderHistogram(); });
