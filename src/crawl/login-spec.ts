// What an adapter declares about logging in to its platform by QR code (AdapterDefinition.login):
// the login page, the QR element to show on the dashboard, the cookies a login sets, and how the
// page says the code expired. Site knowledge stays in the adapter; src/crawl/qr-login.ts drives
// the page. Selectors not checked against the live site are listed in `guessed` (and so marked
// where the adapter declares them).

export type LoginSpecField = 'url' | 'qrSelector' | 'panelSelector' | 'openSelector' | 'loginCookies' | 'expiredTexts';

export interface LoginSpec {
  /** platform id: the folder of saved sessions (data/sessions/<site>/), the same as the adapter's browser-session site */
  site: string;
  /** the platform's login page (absolute) */
  url: string;
  /** the platform's registrable domain (xiaohongshu.com): a source on another host (a stand-in, the demo's site) logs in on its own origin */
  domain: string;
  /** the QR code (an img or canvas element): its screenshot is what the dashboard shows */
  qrSelector: string;
  /** the login panel, captured instead when the QR element is not found */
  panelSelector?: string;
  /** clicked when neither shows after the page loaded (a "log in" button that opens the panel) */
  openSelector?: string;
  /** cookies a login sets: the login is done when one of them appears, or changes from its value when the code was shown */
  loginCookies: string[];
  /** texts on the page once the code expired */
  expiredTexts?: string[];
  /** how long a code is good for, in ms (default 120000) */
  qrLifetimeMs?: number;
  /** the fields above taken from public clients' code or guessed, not checked against the live site */
  guessed?: LoginSpecField[];
}

/**
 * The login page for a source: the spec's page when the source is on the platform's domain;
 * otherwise (a local stand-in, the demo's simulated site, a mirror) the same path on the
 * source's own origin.
 */
export function loginUrlFor(spec: LoginSpec, sourceUrl: string): string {
  const src = new URL(sourceUrl);
  const host = src.hostname.toLowerCase();
  const domain = spec.domain.toLowerCase().replace(/^\./, '');
  if (host === domain || host.endsWith(`.${domain}`)) return spec.url;
  const page = new URL(spec.url);
  return new URL(page.pathname + page.search, src.origin).href;
}

export function isLoginSpec(v: unknown): v is LoginSpec {
  const s = v as LoginSpec;
  return !!s && typeof s === 'object' && typeof s.site === 'string' && typeof s.url === 'string' && typeof s.qrSelector === 'string' && Array.isArray(s.loginCookies);
}
