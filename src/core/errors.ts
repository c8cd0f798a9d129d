// Shared error classes. Callers branch on the class, never on message text.

/** Bad input from a user (CLI option, config, request body): shown as-is, exit code 2. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(message: string, readonly hint?: string) {
    super(hint ? `${message}\n  hint: ${hint}` : message);
  }
}

/** A rules/config file is invalid: names the file, the line and the fix. */
export class ConfigError extends UserError {
  override name = 'ConfigError';
  constructor(readonly file: string, readonly line: number | null, problem: string, hint?: string) {
    super(`${file}${line ? ` line ${line}` : ''}: ${problem}`, hint);
  }
}
