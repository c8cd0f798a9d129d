// Redaction of secrets in log lines: passwords in URLs (SMTP_URL, proxies), webhook keys and
// tokens in query strings (WeCom key, DingTalk access_token, ...), path-embedded hook ids (Feishu,
// Slack), signing secrets (SEC...), cookie headers (WEIBO_COOKIES), bearer tokens, and any field
// whose name says it holds a secret. Also exact known secret values (from Env) wherever they occur.

const SECRET_KEY = /(pass(word)?|secret|token|cookie|authorization|api[_-]?key|access[_-]?token|sign(ature)?|^key$)/i;
const MASK = '[redacted]';

const PATTERNS: [RegExp, string | ((...m: string[]) => string)][] = [
  // user:password@ in any URL
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s@/]+)@/gi, (_m, scheme, user) => `${scheme}${user}:${MASK}@`],
  // query parameters that carry credentials
  [/([?&](?:key|access_token|token|secret|sign|signature|api_key|apikey|password|pass|auth)=)[^&\s"'#]+/gi, `$1${MASK}`],
  // Feishu / Lark and Slack hook ids in the path
  [/(\/open-apis\/bot\/v2\/hook\/)[^\s"'?#/]+/gi, `$1${MASK}`],
  [/(hooks\.slack\.com\/services\/)[^\s"'?#]+/gi, `$1${MASK}`],
  // DingTalk signing secrets
  [/\bSEC[0-9a-f]{20,}\b/gi, MASK],
  // bearer tokens and cookie headers written into text
  [/(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${MASK}`],
  [/(\b(?:cookie|set-cookie)\s*[:=]\s*)[^\n"]+/gi, `$1${MASK}`],
  [/(\b(?:SUB|SUBP|_T_WM|XSRF-TOKEN|SESSDATA)=)[^;\s"]+/g, `$1${MASK}`],
];

/** Redact secrets in a string; `known` are exact secret values to mask wherever they appear. */
export function redactText(s: string, known: readonly string[] = []): string {
  let out = s;
  for (const k of known) if (k && k.length >= 4) out = out.split(k).join(MASK);
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep as string);
  return out;
}

/** Redact a log field object: secret-named keys are masked whole, strings are redactText'ed. */
export function redactFields(v: unknown, known: readonly string[] = [], depth = 0): unknown {
  if (typeof v === 'string') return redactText(v, known);
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redactFields(x, known, depth + 1));
  if (v instanceof Error) return redactText(v.message, known);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEY.test(k) && x != null && x !== '' ? MASK : redactFields(x, known, depth + 1);
  return out;
}

/** Secret values an Env holds (SMTP password, cookies, ${VAR} substitutions that look secret). */
export function knownSecrets(env: { smtpUrl?: string | null; weiboCookies?: string | null; secret?: string | null; vars?: Record<string, string | undefined> }): string[] {
  const out: string[] = [];
  if (env.smtpUrl) { try { const u = new URL(env.smtpUrl); if (u.password) out.push(decodeURIComponent(u.password)); } catch { /* not a URL */ } }
  if (env.weiboCookies) out.push(env.weiboCookies);
  if (env.secret) out.push(env.secret);
  for (const [k, v] of Object.entries(env.vars ?? {})) if (v && /SECRET|TOKEN|KEY|PASS|COOKIE|WEBHOOK/i.test(k)) out.push(v);
  return out.filter((s) => s.length >= 4);
}
