// The live alert feed: one EventSource on /api/v1/stream for the whole app. New alerts go to
// subscribers (the overview's list), an aria-live announcement, an optional short beep (Web
// Audio, no file) and an optional title flash; both can be switched off and the choice is kept.
import { t } from './i18n.js';

export interface LiveAlert { id?: number; at: string; topic: string; incident: string | null; level: string; state: string; risk: number; title: string; reasons: string[]; kind?: string }
type Listener = (a: LiveAlert) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let flashTimer: number | null = null;
let baseTitle = document.title;
export let connected = false;

function pref(name: string): boolean {
  try { return localStorage.getItem(`fw.${name}`) !== 'off'; } catch { return true; }
}
export function setPref(name: 'sound' | 'flash', on: boolean): void {
  try { localStorage.setItem(`fw.${name}`, on ? 'on' : 'off'); } catch { /* ignore */ }
  if (!on && name === 'flash') stopFlash();
}
export const prefs = { sound: () => pref('sound'), flash: () => pref('flash') };

function beep(): void {
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.08;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.25);
    osc.onended = () => void ctx.close();
  } catch { /* autoplay policy: no sound until the user has interacted */ }
}

function stopFlash(): void {
  if (flashTimer !== null) { clearInterval(flashTimer); flashTimer = null; document.title = baseTitle; }
}

function flash(a: LiveAlert): void {
  stopFlash();
  baseTitle = document.title;
  let on = false;
  let n = 0;
  flashTimer = window.setInterval(() => {
    on = !on;
    document.title = on ? `【${a.level}】${t('newAlert')}` : baseTitle;
    if (++n > 20) stopFlash();
  }, 800);
}
window.addEventListener('focus', () => stopFlash());

export function onAlert(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function startLive(announce: (text: string) => void): void {
  if (source) return;
  source = new EventSource('/api/v1/stream');
  source.addEventListener('open', () => { connected = true; document.body.dataset.live = 'open'; });
  source.addEventListener('error', () => { connected = false; document.body.dataset.live = 'retrying'; });
  source.addEventListener('alert', (ev) => {
    let a: LiveAlert;
    try { a = JSON.parse((ev as MessageEvent<string>).data) as LiveAlert; } catch { return; }
    announce(`${t('newAlert')} ${a.level}: ${a.title}`);
    if (prefs.sound()) beep();
    if (prefs.flash()) flash(a);
    for (const fn of listeners) fn(a);
  });
}

export function stopLive(): void {
  source?.close();
  source = null;
  connected = false;
}
