// A rules file as the dashboard may show it: values of secret-named keys (secret, token,
// password, cookies, ...) replaced by "[redacted]" and credentials inside URLs (WeCom key=,
// DingTalk access_token=, Feishu/Slack hook ids, user:pass@) masked, so reading alerting.yaml
// never hands out webhook secrets. `${VAR}` references stay visible: they name, not hold, a secret.
import { parseDocument, visit, isScalar } from 'yaml';
import { redactText } from '../security/redact.js';

const MASK = '[redacted]';
const SECRET_KEY = /^(secret|token|password|passwd|pass|api[_-]?key|apikey|access[_-]?token|cookies?|authorization|signature|sign|key|smtp_?url)$/i;
const ENV_REF = /^\$\{\w+\}$/;
// fallback for text that is not valid YAML: `key: value` anywhere on a line, block or flow style
const SECRET_PAIR = /((?:^|[\s{,])["']?(?:secret|token|password|passwd|pass|api[_-]?key|apikey|access[_-]?token|cookies?|authorization|signature|sign|key)["']?\s*:[ \t]*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s,}#][^,}\n#]*)/gim;

export function redactRuleFile(text: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    return redactText(text.replace(SECRET_PAIR, (m, key: string, value: string) => (ENV_REF.test(value.replace(/^["']|["']$/g, '')) ? m : `${key}"${MASK}"`)));
  }
  visit(doc, {
    Pair(_k, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      const v = pair.value.value;
      if (SECRET_KEY.test(String(pair.key.value)) && v !== null && v !== '' && !(typeof v === 'string' && ENV_REF.test(v))) pair.value.value = MASK;
    },
  });
  return redactText(doc.toString({ lineWidth: 0 })); // URLs in values and in comments
}
