// The explicit channel registry: every channel file is listed here once; a duplicate type name is
// refused at load time.
import type { ChannelDefinition } from './channel.js';
import { emailChannel } from './email.js';
import { wecomChannel } from './wecom.js';
import { dingtalkChannel } from './dingtalk.js';
import { feishuChannel } from './feishu.js';
import { slackChannel } from './slack.js';
import { webhookChannel } from './webhook.js';
import { telegramChannel } from './telegram.js';
import { ntfyChannel } from './ntfy.js';
import { barkChannel } from './bark.js';
import { gotifyChannel } from './gotify.js';

export function buildRegistry(list: ChannelDefinition<any>[]): ReadonlyMap<string, ChannelDefinition<unknown>> {
  const map = new Map<string, ChannelDefinition<unknown>>();
  for (const c of list) {
    if (map.has(c.type)) throw new Error(`alerting: channel type '${c.type}' is registered twice`);
    map.set(c.type, c as ChannelDefinition<unknown>);
  }
  return map;
}

export const CHANNELS: readonly ChannelDefinition<any>[] = [
  emailChannel, wecomChannel, dingtalkChannel, feishuChannel, slackChannel, webhookChannel,
  telegramChannel, ntfyChannel, barkChannel, gotifyChannel,
];
export const CHANNEL_REGISTRY = buildRegistry([...CHANNELS]);

export function getChannel(type: string): ChannelDefinition<unknown> | undefined {
  return CHANNEL_REGISTRY.get(type);
}
