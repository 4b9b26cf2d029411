// The service, with the operator's API key when one is set (localStorage.gridspatialKey).
import { $ } from './dom.js';

const apiKey = () => localStorage.getItem('gridspatialKey') || new URLSearchParams(location.search).get('key') || '';

/** Request headers carrying the key, when there is one. */
export const headers = (extra = {}) => (apiKey() ? { 'X-Api-Key': apiKey(), ...extra } : extra);

/** Calls the service and returns its JSON; an answer that is not OK throws its problem details. */
export async function api(path, options = {}) {
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

/** A line in the status bar. */
export function status(message, error = false) {
  $('status').textContent = message;
  $('status').classList.toggle('error', error);
}
