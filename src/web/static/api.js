// @module web/static/api — fetch helpers for the dashboard: JSON with the stored bearer key, a key prompt on 401.

const KEY_STORAGE = 'sling.apiKey';

export const apiKey = () => localStorage.getItem(KEY_STORAGE) ?? '';

export function authHeaders() {
  const key = apiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

export function askForKey() {
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  input.value = apiKey();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      if (dialog.returnValue === 'save') localStorage.setItem(KEY_STORAGE, input.value.trim());
      resolve(dialog.returnValue === 'save');
    }, { once: true });
    dialog.showModal();
  });
}

export class ApiFailure extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJson(path) {
  const response = await fetch(path, { headers: authHeaders() });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401 && (await askForKey())) return getJson(path);
  if (!response.ok) throw new ApiFailure(response.status, body.error?.message ?? `HTTP ${response.status}`);
  return body;
}
