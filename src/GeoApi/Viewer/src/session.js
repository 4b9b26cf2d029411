// Signing in: a key typed into the form (or brought once in the address, ?key=) is traded for a
// session cookie and leaves the address bar; the session says what the user may do.
import { api, json, ApiError } from './api.js';
import { $ } from './dom.js';
import { t, onLangChange } from './i18n.js';

/** The signed-in session: name, role, jurisdiction, permissions. */
export const session = { name: null, role: null, jurisdiction: '', permissions: [] };

export const may = (permission) => session.permissions.includes(permission);

const showWho = () => { $('who').textContent = session.name ? t('session.who', { name: session.name, role: t(`role.${session.role}`) }) : ''; };
onLangChange(showWho);

function remember(s) {
  Object.assign(session, s);
  showWho();
}

/** Resolves with the session once the user is signed in, asking with the form when needed. */
export async function signIn() {
  const url = new URL(location.href);
  const key = url.searchParams.get('key');
  if (key) {
    url.searchParams.delete('key');
    history.replaceState(null, '', url);
    try { remember(await api('/api/session', { ...json('POST', { key }), signingIn: true })); return session; } catch { /* ask below */ }
  }
  try {
    remember(await api('/api/session', { signingIn: true }));
    return session;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
  }
  return new Promise((resolve) => {
    $('login').hidden = false;
    $('login-key').focus();
    $('login-form').addEventListener('submit', async function submit(ev) {
      ev.preventDefault();
      $('login-error').textContent = '';
      try {
        remember(await api('/api/session', { ...json('POST', { key: $('login-key').value.trim() }), signingIn: true }));
        $('login-key').value = '';
        $('login').hidden = true;
        $('login-form').removeEventListener('submit', submit);
        resolve(session);
      } catch (err) {
        $('login-error').textContent = err instanceof ApiError && err.status === 401 ? t('login.failed') : err.message;
      }
    });
  });
}

/** Signs out and shows the form again. */
export async function signOut() {
  try { await api('/api/session', json('DELETE')); } finally { location.reload(); }
}
