// A unit's name and the people responsible for it, on its card (server: /api/codes/{code}, from
// People/ResponsiblePeople). Names and phones come only for keys with the `people` permission;
// for the others the service sends roles, and the card shows each role with its count.
import { $, el } from './dom.js';
import { t } from './i18n.js';

/** Fills the card's name and people section for a grid or micro-grid (hidden for other units). */
export function renderPeople(unit) {
  const box = $('card-people');
  const responsible = unit.people;
  const name = unit.attributes?.name ?? responsible?.name;
  box.hidden = !name && !responsible;
  if (box.hidden) return;
  const lines = [el('div', t('people.name', { name: name ?? '—' }), { 'data-field': 'name' })];
  const people = responsible?.people ?? [];
  if (!people.length) lines.push(el('div', t('people.none'), { class: 'sub' }));
  const named = people.filter((p) => p.name);
  for (const p of named) {
    const line = el('div', t('people.person', { role: p.roleLabel, name: p.name }), { 'data-field': 'person' });
    if (p.phone) line.append(el('a', ` ${t('people.phone', { phone: p.phone })}`, { href: `tel:${p.phone}`, 'data-field': 'phone' }));
    lines.push(line);
  }
  //-- Without the people permission: each role once, with how many hold it.
  for (const [role, names] of byRole(people.filter((x) => !x.name))) lines.push(el('div', t('people.count', { role, count: names.length }), { 'data-field': 'role' }));
  if (responsible?.needsReview || unit.attributes?.needsReview) lines.push(el('div', `⚠ ${t('people.review')}`, { class: 'warning' }));
  $('card-people-list').replaceChildren(...lines);
}

/** People in one line: names for keys allowed to see them, roles with counts for the others. */
export function peopleText(people = []) {
  if (!people.length) return t('people.none');
  return [...byRole(people)].map(([role, names]) => (names.every(Boolean)
    ? t('people.person', { role, name: names.join(t('list.and')) }) : t('people.count', { role, count: names.length }))).join(t('list.sep'));
}

/** The people's names (undefined where not shown) by role label, in the service's order. */
function byRole(people) {
  const roles = new Map();
  for (const p of people) roles.set(p.roleLabel, [...(roles.get(p.roleLabel) ?? []), p.name]);
  return roles;
}
