/**
 * Agents whose coordinator died (kill -9, a crash) keep running in their own process groups.
 * Before anything else touches such a run — resume, clean — they are killed, so that no agent
 * ever writes into a worktree that is being replaced or removed.
 */
import { hostname } from 'node:os';
import { isGroupAlive, killTree } from '../agents/index.js';
import type { RunState } from '../state/index.js';

/** Kills the process groups the state records as running agents on this host. */
export async function killOrphans(state: RunState): Promise<number> {
  const host = hostname();
  const orphans = state.tasks
    .filter((task) => task.status === 'running' && task.host === host)
    .flatMap((task) => (task.pid !== null && isGroupAlive(task.pid) ? [task.pid] : []));
  await Promise.all(orphans.map((pid) => killTree(pid, { graceMs: 1000 })));
  return orphans.length;
}
