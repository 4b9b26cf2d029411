// Search: a code, else a household id.
import { api, status } from './api.js';
import { $, bounds } from './dom.js';
import { select } from './card.js';

export async function search(map) {
  const q = $('search').value.trim();
  if (!q) return;
  try {
    let code = q;
    if (!/^\d{15}(\d{3})?$/.test(q)) {
      const g = await api(`/api/households/${encodeURIComponent(q)}/grid`);
      code = g.microGridCode;
    }
    const unit = await select(map, code);
    if (unit.geometry) map.fitBounds(bounds(unit.geometry), { padding: 80, maxZoom: 17, animate: false });
    status(`Found ${code}`);
  } catch (err) { status(err.message, true); }
}
