// The dashboard's only way to the server: same-origin fetch with the session cookie, the CSRF
// token on every state change, JSON in and out, and errors as classes (401 -> SessionExpired).

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly status: number, message: string, readonly body: Record<string, unknown>) { super(message); }
}
export class SessionExpired extends ApiError { override name = 'SessionExpired'; }

let csrf: string | null = null;
export function setCsrf(token: string | null): void { csrf = token; }

export type Json = Record<string, unknown>;

async function call<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (res.status === 204) return {} as T;
  let data: Json = {};
  try { data = (await res.json()) as Json; } catch { /* non-JSON error page */ }
  if (!res.ok) {
    const msg = [data.error, data.hint].filter((x) => typeof x === 'string' && x).join(' — ') || `HTTP ${res.status}`;
    if (res.status === 401 && path !== '/session') throw new SessionExpired(401, msg, data);
    throw new ApiError(res.status, msg, data);
  }
  return data as T;
}

export const api = {
  get: <T = Json>(path: string) => call<T>('GET', path),
  post: <T = Json>(path: string, body: unknown = {}) => call<T>('POST', path, body),
  put: <T = Json>(path: string, body: unknown) => call<T>('PUT', path, body),
  patch: <T = Json>(path: string, body: unknown) => call<T>('PATCH', path, body),
  del: <T = Json>(path: string) => call<T>('DELETE', path),
};

/** Build `?a=1&b=2` from the defined, non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}
