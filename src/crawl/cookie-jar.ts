// A small per-source cookie jar (name=value per host suffix and path), with the session health
// score crawlee uses: +1 on a bad answer, -0.5 on a good one, retired at 3.

interface Cookie { name: string; value: string; domain: string; path: string; expires: number | null; hostOnly: boolean }

export class CookieJar {
  private cookies: Cookie[] = [];
  errorScore = 0;
  retired = false;
  constructor(readonly maxErrorScore = 3) {}

  /** Seed from a "a=1; b=2" header string (e.g. the WEIBO_COOKIES environment variable). */
  static fromHeader(header: string | null | undefined, domain: string): CookieJar {
    const jar = new CookieJar();
    for (const part of (header ?? '').split(';')) {
      const i = part.indexOf('=');
      if (i <= 0) continue;
      jar.cookies.push({ name: part.slice(0, i).trim(), value: part.slice(i + 1).trim(), domain: domain.replace(/^\./, '').toLowerCase(), path: '/', expires: null, hostOnly: false });
    }
    return jar;
  }

  /** Seed from cookies saved by a browser (a QR login's session): domain, path and expiry kept; `expires` in seconds, -1 or none = a session cookie. */
  static fromSaved(cookies: readonly { name: string; value: string; domain: string; path?: string; expires?: number }[]): CookieJar {
    const jar = new CookieJar();
    for (const c of cookies) {
      if (!c.name || !c.domain) continue;
      jar.cookies.push({ name: c.name, value: c.value, domain: c.domain.replace(/^\./, '').toLowerCase(), path: c.path || '/',
        expires: c.expires && c.expires > 0 ? Math.round(c.expires * 1000) : null, hostOnly: !c.domain.startsWith('.') });
    }
    return jar;
  }

  store(url: URL, setCookie: string[] | string | undefined, now = Date.now()): void {
    for (const line of ([] as string[]).concat(setCookie ?? [])) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      if (i <= 0) continue;
      const c: Cookie = { name: pair.slice(0, i).trim(), value: pair.slice(i + 1).trim(), domain: url.hostname.toLowerCase(), path: '/', expires: null, hostOnly: true };
      for (const a of attrs) {
        const [k, v = ''] = a.split('=').map((s) => s.trim());
        const key = k.toLowerCase();
        if (key === 'domain' && v) {
          const d = v.replace(/^\./, '').toLowerCase();
          if (url.hostname.toLowerCase() === d || url.hostname.toLowerCase().endsWith('.' + d)) { c.domain = d; c.hostOnly = false; }
        } else if (key === 'path' && v.startsWith('/')) c.path = v;
        else if (key === 'max-age' && /^-?\d+$/.test(v)) c.expires = now + Number(v) * 1000;
        else if (key === 'expires' && c.expires === null) { const t = Date.parse(v); if (!Number.isNaN(t)) c.expires = t; }
      }
      this.cookies = this.cookies.filter((x) => !(x.name === c.name && x.domain === c.domain && x.path === c.path));
      if (c.expires === null || c.expires > now) this.cookies.push(c);
    }
  }

  header(url: URL, now = Date.now()): string {
    const host = url.hostname.toLowerCase();
    return this.cookies
      .filter((c) => (c.expires === null || c.expires > now) && (c.hostOnly ? host === c.domain : host === c.domain || host.endsWith('.' + c.domain)) && url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  get size(): number { return this.cookies.length; }

  markGood(): void { this.errorScore = Math.max(0, this.errorScore - 0.5); }
  /** Returns true when this bad answer retires the session. */
  markBad(weight = 1): boolean {
    this.errorScore += weight;
    if (this.errorScore >= this.maxErrorScore) this.retired = true;
    return this.retired;
  }
  retire(): void { this.retired = true; this.errorScore = this.maxErrorScore; }
}
