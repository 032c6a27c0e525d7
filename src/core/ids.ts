import { randomBytes } from 'node:crypto';

/** Phase ids: lowercase letters, digits and dashes, starting with a letter or digit. */
export const PHASE_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * A run id that sorts by start time and is safe inside a git ref and a file name:
 * `20261123-101500-3f9a`.
 */
export function createRunId(nowMs: number): string {
  const d = new Date(nowMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(
    d.getUTCHours(),
  )}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
