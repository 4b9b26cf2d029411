// The service. The page signs in with a session cookie (see session.js), which the browser sends
// with every request to this service, tiles included; nothing else is sent from here.
import { $, el } from './dom.js';
import { t, has } from './i18n.js';

/** A failed request: the meaning of its status in the user's language, the API's own problem
 * details (title, detail) kept for the raw view. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(has(`problem.${status}`) ? t(`problem.${status}`) : t('problem.other', { status }));
    this.status = status;
    this.problem = problem || {};
  }

  /** The API's words, for the details view. */
  get raw() {
    const p = this.problem;
    return [p.title, p.detail].filter(Boolean).join(': ') || `${this.status}`;
  }
}

/** Called when the service answers 401: the page asks the user to sign in again. */
let onUnauthorized = () => {};
export const whenUnauthorized = (f) => { onUnauthorized = f; };

/** Calls the service and returns its JSON (null when empty); an answer that is not OK throws an ApiError. */
export async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...options });
  } catch (e) {
    throw Object.assign(new ApiError(0, { detail: `${e}` }), { message: t('problem.network') });
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) {
    if (response.status === 401 && !options.signingIn) onUnauthorized();
    throw new ApiError(response.status, body);
  }
  return body;
}

/** JSON request options for a write. */
export const json = (method, body) => ({ method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

/** A line in the status bar: a message, or an error's meaning with the API's words one click away. */
export function status(message, error = false) {
  const line = $('status');
  line.classList.toggle('error', !!error);
  if (message instanceof ApiError) {
    const details = el('details');
    details.append(el('summary', t('problem.details')), el('code', message.raw));
    line.replaceChildren(el('span', message.message), details);
    line.dataset.status = `${message.status}`;
  } else {
    line.replaceChildren(el('span', message instanceof Error ? message.message : message));
    delete line.dataset.status;
  }
}
