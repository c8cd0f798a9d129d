// The one module that reads process.env. Everything else receives an Env.
import { resolve } from 'node:path';
import { dbLocation } from '../db/location.js';

/** An OpenAI-compatible chat endpoint that writes incident briefs (src/desk/llm-brief.ts). */
export interface LlmEnv {
  /** base URL, e.g. https://api.deepseek.com/v1 or http://127.0.0.1:11434/v1 (Ollama); {url}/chat/completions is called */
  url: string;
  /** model name, e.g. deepseek-chat, qwen-plus, qwen2.5:7b ('' when FLAREWATCH_LLM_MODEL is unset: the brief stays extractive and says why) */
  model: string;
  /** API key sent as a bearer token (none for a local Ollama) */
  key: string | null;
  /** give up after this long and use the extractive brief (FLAREWATCH_LLM_TIMEOUT_MS, default 20000) */
  timeoutMs: number;
}

export interface Env {
  dbPath: string;
  rulesDir: string;
  port: number;
  host: string;
  smtpUrl: string | null;
  smtpFrom: string;
  puppeteerExecutablePath: string | null;
  weiboCookies: string | null;
  /** public base URL of the dashboard, for links in alerts */
  publicUrl: string | null;
  /** secret for signing acknowledge links and sessions; generated and stored in the DB when unset */
  secret: string | null;
  timezone: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** hosts/CIDRs the `web`/`browser` adapters may reach although private (SSRF guard) */
  allowPrivateHosts: string[];
  httpProxy: string | null;
  rawArchive: boolean;
  ingestToken: string | null;
  /** FLAREWATCH_QUEUE: a redis:// URL; crawls go through a BullMQ job queue to `flarewatch worker` processes (src/queue/); null: in-process */
  queueUrl?: string | null;
  /** FLAREWATCH_INGEST_URL: the monitor a worker hands observations to over POST /api/v1/observations (with FLAREWATCH_INGEST_TOKEN); null: the database */
  ingestUrl?: string | null;
  /** which proxies' X-Forwarded-For the dashboard believes (FLAREWATCH_TRUST_PROXY: hop count, or addresses/CIDRs/'loopback'); none when unset */
  trustProxy?: string | null;
  /** FLAREWATCH_LLM_URL (+ _MODEL, _KEY, _TIMEOUT_MS): who writes incident briefs; null: extractive only, no post leaves the process */
  llm?: LlmEnv | null;
  /** every environment variable, for names given in config files (`${VAR}` in alerting.yaml, a source's cookiesEnv) */
  vars: Readonly<Record<string, string | undefined>>;
}

export function readEnv(e: NodeJS.ProcessEnv = process.env): Env {
  const port = Number(e.PORT ?? 8080);
  return {
    dbPath: dbLocation(e.FLAREWATCH_DB ?? "data/flarewatch.db"),
    rulesDir: resolve(e.FLAREWATCH_RULES ?? 'rules'),
    port: Number.isFinite(port) ? port : 8080,
    host: e.HOST ?? '127.0.0.1',
    smtpUrl: e.SMTP_URL || null,
    smtpFrom: e.SMTP_FROM || 'Flarewatch <flarewatch@localhost>',
    puppeteerExecutablePath: e.PUPPETEER_EXECUTABLE_PATH || null,
    weiboCookies: e.WEIBO_COOKIES || null,
    publicUrl: e.FLAREWATCH_PUBLIC_URL || null,
    secret: e.FLAREWATCH_SECRET || null,
    timezone: e.FLAREWATCH_TZ || 'Asia/Shanghai',
    logLevel: (['debug', 'info', 'warn', 'error'].includes(e.LOG_LEVEL ?? '') ? e.LOG_LEVEL : 'info') as Env['logLevel'],
    allowPrivateHosts: (e.FLAREWATCH_ALLOW_PRIVATE ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    httpProxy: e.HTTPS_PROXY || e.HTTP_PROXY || e.https_proxy || e.http_proxy || null,
    rawArchive: e.FLAREWATCH_RAW_ARCHIVE === '1',
    ingestToken: e.FLAREWATCH_INGEST_TOKEN || null,
    queueUrl: e.FLAREWATCH_QUEUE?.trim() || null,
    ingestUrl: e.FLAREWATCH_INGEST_URL?.trim() || null,
    trustProxy: e.FLAREWATCH_TRUST_PROXY || null,
    llm: e.FLAREWATCH_LLM_URL?.trim() ? {
      url: e.FLAREWATCH_LLM_URL.trim(), model: (e.FLAREWATCH_LLM_MODEL ?? '').trim(), key: e.FLAREWATCH_LLM_KEY?.trim() || null,
      timeoutMs: Number(e.FLAREWATCH_LLM_TIMEOUT_MS) > 0 ? Math.min(Number(e.FLAREWATCH_LLM_TIMEOUT_MS), 300_000) : 20_000,
    } : null,
    vars: { ...e },
  };
}
