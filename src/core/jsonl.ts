// JSON Lines input and output: streaming line reader (with line numbers, for error messages)
// and a writer to a file or stdout ("-").
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { UserError } from './errors.js';

export async function* readLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  if (path !== '-' && (!existsSync(path) || !statSync(path).isFile())) throw new UserError(`input file not found: ${path}`);
  const input = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    yield { line, text: line === 1 ? text.replace(/^\uFEFF/, '') : text };
  }
}

export interface JsonlWriter { write(obj: unknown): void; close(): Promise<void> }

export function jsonlWriter(path: string | undefined, stdout: NodeJS.WritableStream): JsonlWriter {
  const out = (!path || path === '-' ? stdout : createWriteStream(path, { encoding: 'utf8' })) as import('node:stream').Writable;
  let buf = '';
  return {
    write(obj: unknown) {
      buf += JSON.stringify(obj) + '\n';
      if (buf.length > 1 << 16) { out.write(buf); buf = ''; }
    },
    close() {
      return new Promise((resolve, reject) => {
        if (buf) out.write(buf);
        buf = '';
        if (out === (stdout as unknown)) return resolve();
        out.on('error', reject);
        (out as import('node:stream').Writable).end(() => resolve());
      });
    },
  };
}
