// Locate me: the browser's position, and the micro-grid the user stands in (the service's lookup).
import { api, status } from './api.js';
import { t } from './i18n.js';
import { sheetPadding } from './dom.js';
import { select } from './card.js';

const position = () => new Promise((resolve, reject) =>
  navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 }));

/** Finds the user, zooms there and opens the card of the micro-grid they stand in. */
export async function locate(map) {
  if (!navigator.geolocation) { status(t('locate.denied', { reason: '—' }), true); return; }
  status(t('locate.working'));
  let p;
  try { p = await position(); } catch (e) { status(t('locate.denied', { reason: e.message }), true); return; }
  const { longitude: lon, latitude: lat } = p.coords;
  map.jumpTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 17) });
  const here = () => map.jumpTo({ center: [lon, lat], padding: sheetPadding() });
  try {
    const answer = await api(`/api/lookup?lon=${lon}&lat=${lat}`);
    const code = answer.microGrid?.code;
    if (!code) { status(t('locate.outside'), true); return; }
    await select(map, code);
    document.body.classList.add('sheet-open');
    //-- The opened sheet covers the lower part of the screen: keep the user's place above it.
    setTimeout(here, 250);
    status(t('locate.here', { code }));
  } catch (err) {
    status(err.status === 404 ? t('locate.outside') : err, true);
  }
}
