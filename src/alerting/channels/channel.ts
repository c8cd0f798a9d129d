// The shape of one delivery channel (one file per channel in this folder) and the HTTP helper
// they share: POST JSON with a timeout, and the status-code classification every vendor starts
// from (408/429/5xx/network: transient; other 4xx: permanent). Vendor body codes are checked by
// each channel, because IM APIs answer HTTP 200 with an error code in the body.
import type { z } from 'zod';
import type { Env } from '../../config/env.js';
import type { Notification } from '../message.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';

export interface ChannelContext {
  fetch: typeof fetch;
  env: Env;
  /** wall clock at send time (signatures carry it) */
  now: Date;
  timeoutMs: number;
  /** stable id of this delivery across retries (dedup key), for receivers that deduplicate */
  deliveryKey: string;
}

export interface SendReceipt { statusCode?: number; detail: string }

export interface ChannelDefinition<C = unknown> {
  type: string;
  /** one line for docs and the dashboard */
  description: string;
  configSchema: z.ZodType<C>;
  send(config: C, notification: Notification, ctx: ChannelContext): Promise<SendReceipt>;
}

export interface HttpResult { status: number; text: string; json: unknown; headers: Headers }

function retryAfterMs(h: Headers): number | undefined {
  const v = h.get('retry-after');
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

/** POST a body; network errors and timeouts become TransientDeliveryError. */
export async function postRaw(url: string, body: string, headers: Record<string, string>, ctx: ChannelContext): Promise<HttpResult> {
  let res: Response;
  try {
    res = await ctx.fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(ctx.timeoutMs), redirect: 'manual' });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const what = err.name === 'TimeoutError' || err.name === 'AbortError' ? `timed out after ${ctx.timeoutMs} ms` : `${err.cause?.code ?? err.message}`;
    throw new TransientDeliveryError(`request to ${new URL(url).host} failed: ${what}`);
  }
  let text = '';
  try { text = await res.text(); } catch (e) {
    throw new TransientDeliveryError(`reading the response from ${new URL(url).host} failed: ${(e as Error).message}`, res.status);
  }
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: res.status, text, json, headers: res.headers };
}

export function postJson(url: string, payload: unknown, ctx: ChannelContext, headers: Record<string, string> = {}): Promise<HttpResult> {
  return postRaw(url, JSON.stringify(payload), { 'content-type': 'application/json; charset=utf-8', ...headers }, ctx);
}

/** Throw the right error class for a non-2xx status. */
export function checkHttpStatus(r: HttpResult, vendor: string): void {
  if (r.status >= 200 && r.status < 300) return;
  const snippet = r.text.slice(0, 200).replace(/\s+/g, ' ');
  const msg = `${vendor} answered HTTP ${r.status}${snippet ? `: ${snippet}` : ''}`;
  if (r.status === 408 || r.status === 429 || r.status >= 500) throw new TransientDeliveryError(msg, r.status, undefined, retryAfterMs(r.headers));
  throw new PermanentDeliveryError(msg, r.status);
}

/** Secrets never reach logs or receipts: strip query strings and path tokens from a URL. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/[^/]{16,}/g, '…')}`;
  } catch { return '(invalid url)'; }
}
