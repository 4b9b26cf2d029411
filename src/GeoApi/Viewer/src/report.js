// The township's quality report and the histogram of micro-grid sizes.
import { api } from './api.js';
import { $ } from './dom.js';
import { state } from './state.js';
import { COLOURS } from './map.js';

export async function loadReport(code) {
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

export async function loadHistogram(code) {
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
