import { DomainError, invalidArgument, type FieldViolation } from './errors.ts';
import { parseDisplayName } from './user.ts';

/**
 * Local accounts of the built-in issuer. Password rules follow NIST SP 800-63B: length
 * over composition rules, no hints, and a check against the most common choices.
 */
export const passwordLimits = { min: 10, max: 200 } as const;

// Frequent choices that meet the length rule; a breached-password service can replace this.
const commonPasswords = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  'qwertyuiop',
  'password123',
  'password1234',
  'iloveyou123',
  'qwerty12345',
  '1q2w3e4r5t',
  'abcdefghij',
  'passwordpassword',
  'letmein123',
  'welcome123',
  'football123',
  'monkey12345',
  'dragon12345',
  'baseball123',
  'sunshine123',
  'princess123',
  'trustno1234',
  'aaaaaaaaaa',
  'administrator',
  'changeme123',
  'eatoryeet123',
  'recipes123',
]);

export interface SignUp {
  email: string;
  displayName: string;
  password: string;
}

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export function parseSignUp(input: SignUp): SignUp {
  const violations: FieldViolation[] = [];
  const email = normalizeEmail(input.email);
  if (!emailPattern.test(email) || email.length > 254) {
    violations.push({ field: 'email', description: 'enter an email address like name@example.com' });
  }
  let displayName = '';
  try {
    displayName = parseDisplayName(input.displayName);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    violations.push(...e.violations);
  }
  const problem = passwordProblem(input.password, email);
  if (problem) violations.push({ field: 'password', description: problem });
  if (violations.length) throw invalidArgument(violations);
  return { email, displayName, password: input.password };
}

/** Why a password is refused, in words, or null when it is fine. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < passwordLimits.min) return `use at least ${passwordLimits.min} characters; a short sentence works well`;
  if (password.length > passwordLimits.max) return `use at most ${passwordLimits.max} characters`;
  const lower = password.toLowerCase();
  if (new Set(lower).size < 4) return 'use more than a few different characters';
  if (commonPasswords.has(lower)) return 'this password is among the most common ones; choose another';
  const local = email.split('@')[0] ?? '';
  if (local.length >= 4 && lower.includes(local)) return 'do not build the password from your email address';
  return null;
}
