/**
 * Waiting in tests with a clock deadline, never a fixed sleep: generous on purpose, because CI
 * shares two cores among everything and a wait that gives up early fails a correct product.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export const WAIT_MS = 60_000;

/**
 * Polls `probe` until it gives something other than undefined or false, and returns that; after
 * WAIT_MS fails saying what never came (`what` may describe the last look).
 */
export async function waitUntil<T>(
  what: string | (() => string),
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  pollMs = 20,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`waited ${WAIT_MS} ms for ${typeof what === 'string' ? what : what()}`);
    await sleep(pollMs);
  }
}
