/**
 * Kills an agent's whole process tree. Agents are spawned as leaders of their own process group,
 * so signalling `-pid` reaches every descendant that did not start a new session: SIGTERM first
 * so agents can clean up, SIGKILL for whatever is still there after the grace period.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_KILL_GRACE_MS = 2000;

/** True while any process of the group `pgid` exists. */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function killTree(pgid: number, options: { graceMs?: number } = {}): Promise<void> {
  const graceMs = options.graceMs ?? DEFAULT_KILL_GRACE_MS;
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isGroupAlive(pgid)) return;
    await sleep(25);
  }
  signalGroup(pgid, 'SIGKILL');
}

/** Sends `signal` to the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
