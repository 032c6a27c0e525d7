/**
 * git takes `index.lock` and `<ref>.lock` files with O_EXCL and gives up at once when one exists:
 * another git is working (a user's editor, a hook, `git gc`), or one crashed and left its lock.
 * Commands that failed on a lock are run again with exponential backoff; when the lock stays,
 * the error names the file, so a person can see whether anything still holds it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface LockRetryOptions {
  /** Runs after the first one that failed on a lock. @default 8 */
  readonly retries?: number;
  /** Wait before the first retry; doubled each time. @default 25 */
  readonly minDelayMs?: number;
  /** Longest wait between two tries. @default 1000 */
  readonly maxDelayMs?: number;
  /** Called before each retry (for tests and diagnostics). */
  readonly onRetry?: (lockFile: string, retry: number) => void;
}

const LOCK_FAILURE = /Unable to create '([^']+\.lock)': File exists/;

/** The lock file git could not take, when that is why it failed. */
export function lockFileOf(stderr: string): string | undefined {
  return LOCK_FAILURE.exec(stderr)?.[1];
}

export async function withLockRetry<T extends { exitCode: number; stderr: string }>(
  run: () => Promise<T>,
  options: LockRetryOptions = {},
): Promise<{ result: T; lockFile: string | undefined; tries: number }> {
  const retries = options.retries ?? 8;
  let delay = options.minDelayMs ?? 25;
  let result = await run();
  for (let retry = 1; retry <= retries; retry++) {
    const lockFile = result.exitCode === 0 ? undefined : lockFileOf(result.stderr);
    if (lockFile === undefined) return { result, lockFile, tries: retry };
    options.onRetry?.(lockFile, retry);
    // Jitter keeps many waiting tasks from retrying in step.
    await sleep(delay * (0.5 + Math.random() / 2));
    delay = Math.min(delay * 2, options.maxDelayMs ?? 1000);
    result = await run();
  }
  const lockFile = result.exitCode === 0 ? undefined : lockFileOf(result.stderr);
  return { result, lockFile, tries: retries + 1 };
}
