/**
 * The signed-in user's API token. It lives in localStorage so a reload keeps the session;
 * signing out revokes it on the server and forgets it here.
 */
const KEY = "videoplanet.token";
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return storage()?.getItem(KEY) ?? null;
}

export function setToken(token: string | null): void {
  const store = storage();
  if (token) store?.setItem(KEY, token);
  else store?.removeItem(KEY);
  for (const listener of listeners) listener();
}

export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
