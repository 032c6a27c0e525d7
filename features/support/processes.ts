/**
 * Polling for agent processes: fixture agents write their pid to a file, and tests wait for
 * the file to appear or for the process to be gone. The deadlines are only how long to keep
 * looking before calling it a failure, never a claim about how fast anything is.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 50;

/** True while a process with this pid exists (signal 0 checks without signalling). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means it exists but belongs to someone else; only ESRCH means gone.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  return !isZombie(pid);
}

/**
 * A dead process whose parent has not reaped it yet still answers signal 0. Orphans are
 * re-parented to pid 1, and not every container init reaps them, so on Linux a zombie counts as
 * gone: it runs no code and holds no files.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Format: "pid (comm) state ..."; comm may contain spaces and parentheses, so split at the last ")".
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Waits until `file` holds at least one pid and returns every pid in it. */
export async function waitForPids(file: string, options: { timeoutMs: number }): Promise<number[]> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const pids = text
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
    // The agent writes the file in one call, but a reader may still see it half-written.
    if (pids.length > 0 && text.endsWith('\n')) return pids;
    if (Date.now() > deadline)
      throw new Error(`no pid appeared in ${file} within ${options.timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** Waits until none of `pids` is running; returns the ones still alive at the deadline. */
export async function waitUntilGone(
  pids: readonly number[],
  options: { timeoutMs: number },
): Promise<number[]> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const alive = pids.filter(isRunning);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(POLL_MS);
  }
}
