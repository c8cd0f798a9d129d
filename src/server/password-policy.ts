// Minimum password strength for dashboard users, checked wherever a person sets a password
// (`flarewatch user add`, POST/PATCH /api/v1/users): at least 10 characters for an admin and 8 for
// anyone else, not the user name, not one repeated character or an obvious keyboard/number run,
// and not one of the passwords that every guessing list starts with. Length counts characters,
// so a Chinese passphrase counts as many characters as it has.
import { UserError } from '../core/errors.js';

export const MIN_LENGTH = { admin: 10, other: 8 } as const;
export const MAX_LENGTH = 1024;

/** A password a guessing attack would find; the message says which rule and the hint how to fix it. */
export class WeakPasswordError extends UserError {
  override name = 'WeakPasswordError';
}

// The start of every public guessing list (lengths 8 and up; shorter ones fail the length rule).
const COMMON = new Set([
  'password', 'password1', 'password12', 'password123', 'password1234', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pa$$word', 'passwort',
  '12345678', '123456789', '1234567890', '12345678910', '0123456789', '87654321', '987654321', '11111111', '00000000', '88888888',
  '66666666', '12341234', '11223344', '12121212', '123123123', '147258369', '123qweasd', '1qaz2wsx', '1q2w3e4r', '1q2w3e4r5t',
  'zaq12wsx', 'qwertyui', 'qwertyuiop', 'qwerty123', 'qwerty12', 'asdfghjkl', 'asdf1234', 'zxcvbnm1', 'zxcvbnm123', 'abc12345',
  'abcd1234', 'abcdefgh', 'a1b2c3d4', 'aa123456', 'qq123456', 'a123456789', 'aa12345678', 'woaini1314', 'woaini520', '5201314520',
  'iloveyou', 'iloveyou1', 'admin123', 'admin1234', 'admin12345', 'admin@123', 'administrator', 'welcome1', 'welcome123', 'letmein1',
  'letmein123', 'changeme', 'changeme1', 'changeme123', 'default1', 'trustno1', 'football', 'baseball', 'sunshine', 'princess',
  'superman', 'starwars', 'computer', 'internet', 'whatever', 'dragon123', 'monkey123', 'master123', 'secret123', 'test1234',
  'testtest', 'test12345', 'guest123', 'root1234', 'toor1234', 'flarewatch', 'flarewatch1', 'flarewatch123', 'choose-one',
]);

const RUNS = ['0123456789', '9876543210', 'abcdefghijklmnopqrstuvwxyz', 'zyxwvutsrqponmlkjihgfedcba', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1qaz2wsx3edc4rfv'];

/** Throw WeakPasswordError unless `password` is acceptable for a user with `role`. */
export function checkPasswordStrength(password: string, who: { role: string; username?: string }): void {
  const chars = [...password];
  const min = who.role === 'admin' ? MIN_LENGTH.admin : MIN_LENGTH.other;
  const hint = `use a passphrase of ${min} or more characters, e.g. three unrelated words`;
  if (chars.length < min) throw new WeakPasswordError(`password too short: ${chars.length} characters, ${who.role === 'admin' ? 'an admin' : `a ${who.role}`} needs at least ${min}`, hint);
  if (chars.length > MAX_LENGTH) throw new WeakPasswordError(`password too long: at most ${MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (who.username && lower.includes(who.username.toLowerCase())) {
    const rest = [...lower.split(who.username.toLowerCase()).join('')];
    // the user name plus a year or a few symbols is among the first guesses
    if (rest.length < 4 || rest.every((c) => /[\d\p{P}\p{S}\s]/u.test(c))) throw new WeakPasswordError('password is the user name with little added', hint);
  }
  if (new Set(chars.map((c) => c.toLowerCase())).size < 4) throw new WeakPasswordError('password has fewer than 4 different characters', hint);
  if (COMMON.has(lower) || COMMON.has(lower.replace(/[\d!@#$%^&*.]+$/, ''))) throw new WeakPasswordError('password is one of the most common passwords', hint);
  if (RUNS.some((run) => run.includes(lower))) throw new WeakPasswordError('password is a keyboard or number sequence', hint);
}
