import { unreachable } from '../core/index.js';
import type { RunStatus } from '../core/index.js';

/** Exit codes, as documented in the README. */
export const EXIT_OK = 0;
export const EXIT_TASK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_CONFLICT = 3;
export const EXIT_INTERRUPTED = 130;

export function exitCodeFor(status: RunStatus): number {
  switch (status) {
    case 'succeeded':
      return EXIT_OK;
    case 'failed':
      return EXIT_TASK_FAILED;
    case 'conflict':
      return EXIT_CONFLICT;
    case 'interrupted':
      return EXIT_INTERRUPTED;
    default:
      return unreachable(status);
  }
}
