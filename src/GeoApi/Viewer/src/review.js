// The review list of a township (server: GET /api/townships/{code}/people/review, keys with the
// `people` permission only): units nobody is responsible for, and assignments whose unit was
// split, merged or retired. Each entry opens the unit's card.
import { api, status } from './api.js';
import { $, el } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { state } from './state.js';
import { may } from './session.js';

let review = null;
let open = async () => {};

/** Loads the township's review list (nothing for keys without the people permission). */
export async function loadReview(code) {
  if (!may('people')) return;
  review = await api(`/api/townships/${code}/people/review`);
  render();
}

function item(code, text) {
  const b = el('button', text, { type: 'button', 'data-code': code, title: code });
  b.addEventListener('click', () => open(code).catch((err) => status(err, true)));
  const li = el('li');
  li.append(b);
  return li;
}

function render() {
  if (!review) return;
  const level = (l) => t(`level.${l}`);
  $('review-unassigned-title').textContent = t('review.unassigned', { count: review.unassigned.length });
  $('review-unassigned').replaceChildren(...review.unassigned.map((u) =>
    item(u.code, t('review.item', { level: level(u.level), code: u.code, name: u.name, households: u.households }))));
  $('review-changed-title').textContent = t('review.changed', { count: review.changed.length });
  $('review-changed').replaceChildren(...review.changed.map((u) =>
    item(u.code, t('review.changedItem', { level: level(u.level), code: u.code, reasons: u.reasons.map((r) => t(`review.reason.${r}`)).join(t('list.and')) }))));
}

/** Shows the section to keys with the people permission (removes it for the others); onOpen selects a unit. */
export function wireReview(onOpen) {
  if (!may('people')) { $('review').remove(); return; }
  open = onOpen;
  $('review-load').addEventListener('click', () => loadReview(state.township).catch((err) => status(err, true)));
  onLangChange(render);
}
