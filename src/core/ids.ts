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
  // Milliseconds (3 hex digits, 000–3e7) before one random digit: ids of runs started within the
  // same second still sort in start order, which `list` and "the latest run" rely on.
  const millis = (Math.floor(nowMs) % 1000).toString(16).padStart(3, '0');
  return `${stamp}-${millis}${randomBytes(1).toString('hex').slice(0, 1)}`;
}
