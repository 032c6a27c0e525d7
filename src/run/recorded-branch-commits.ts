/**
 * Every commit a run recorded for each of its branches, from its events (and its state, when the
 * events cannot be read): where each task's branch started, the commit each task or merge
 * succeeded at, and what its verify gate checked. All of them count, not only the last: a run
 * that stopped while resuming still has the branch of a task it was about to run again where the
 * earlier session left it. A branch whose tip is none of these was moved by someone else.
 */
import { existsSync } from 'node:fs';
import { readEventLog } from '../state/index.js';
import type { RunPaths, RunState } from '../state/index.js';

/** Commits by branch name (`subplan/<run>/…`, without `refs/heads/`). */
export function recordedBranchCommits(
  paths: RunPaths,
  state: RunState | undefined,
): Map<string, Set<string>> {
  const commits = new Map<string, Set<string>>();
  const record = (branch: string | undefined | null, commit: string | undefined | null) => {
    if (!branch || !commit) return;
    commits.set(branch, (commits.get(branch) ?? new Set()).add(commit));
  };
  const branchOf = new Map<string, string>();
  for (const task of state?.tasks ?? []) {
    if (task.branch !== null) branchOf.set(task.id, task.branch);
    record(task.branch, task.base_commit);
    record(task.branch, task.commit);
  }
  // Only the events that place a branch matter here; the others are not looked at.
  for (const event of readEvents(paths)) {
    if (event.type === 'task-started') {
      branchOf.set(event.task, event.branch);
      record(event.branch, event.base_commit);
    } else if (event.type === 'merge-started') {
      branchOf.set(event.task, event.branch);
    } else if (event.type === 'task-finished' || event.type === 'merge-finished') {
      if (event.outcome.status === 'succeeded')
        record(branchOf.get(event.task), event.outcome.commit);
    } else if (event.type === 'verify-started' || event.type === 'verify-finished') {
      record(branchOf.get(event.task), event.commit);
    }
  }
  return commits;
}

/** A log that cannot be read leaves the state to tell (it is a reduction of the same events). */
function readEvents(paths: RunPaths) {
  if (!existsSync(paths.eventsFile)) return [];
  try {
    return readEventLog(paths.eventsFile);
  } catch {
    return [];
  }
}
