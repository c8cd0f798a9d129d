// Reading a password for the CLI without putting it on the command line: a prompt on a terminal
// (raw mode, nothing echoed, asked twice) or the first line of stdin (`--password-stdin`, for
// scripts: `printf '%s\n' "$PW" | flarewatch user add ... --password-stdin`).
import { UserError } from '../core/errors.js';

export type SecretInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };

/** Ask on a terminal without echo. Ctrl-C or Ctrl-D cancels; Backspace deletes one character. */
export function promptHidden(question: string, input: SecretInput, output: NodeJS.WritableStream): Promise<string> {
  if (!input.isTTY || typeof input.setRawMode !== 'function') {
    return Promise.reject(new UserError('no terminal to ask for the password on', "pass --password-stdin and pipe the password in, e.g. printf '%s\\n' \"$PW\" | flarewatch user add --name N --role R --password-stdin"));
  }
  output.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = () => {
      input.removeListener('data', onData);
      input.setRawMode!(false);
      input.pause();
      output.write('\n');
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') { finish(); resolve(chars.join('')); return; }
        if (ch === '\u0003' || ch === '\u0004') { finish(); reject(new UserError('cancelled: no password entered')); return; }
        if (ch === '\u007f' || ch === '\b') { chars = chars.slice(0, -1); continue; }
        if (ch < ' ') continue; // other control keys
        chars.push(ch);
      }
    };
    input.on('data', onData);
  });
}

/** The first line of a (piped) stream, without its line ending. */
export async function readFirstLine(input: SecretInput): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (text.includes('\n')) break;
  }
  const line = text.split('\n')[0].replace(/\r$/, '');
  if (!line) throw new UserError('--password-stdin: stdin was empty', "pipe the password in, e.g. printf '%s\\n' \"$PW\" | flarewatch user add ...");
  return line;
}

/** Prompt twice on a terminal; refuse when the two entries differ. */
export async function promptNewPassword(input: SecretInput, output: NodeJS.WritableStream): Promise<string> {
  const first = await promptHidden('Password: ', input, output);
  const again = await promptHidden('Repeat password: ', input, output);
  if (first !== again) throw new UserError('the two passwords differ', 'run the command again');
  return first;
}
