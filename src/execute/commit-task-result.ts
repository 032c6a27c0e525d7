/**
 * What happens after an agent exited 0: its worktree is checked (still a worktree, still on the
 * task's branch), its changes are committed, and the commits are checked (the branch still grows
 * from the task's base, no conflict markers added). Anything wrong is the task's failure, with
 * the reason and the files or refs named.
 */
import type { TaskOutcome } from '../core/index.js';
import {
  checkTaskHistory,
  checkTaskWorktree,
  commitChanges,
  findConflictMarkers,
} from '../git/index.js';
import type { Repo } from '../git/index.js';

export async function commitTaskResult(
  repo: Repo,
  task: {
    worktree: string;
    branch: string;
    baseCommit: string;
    commitMessage: string;
    /** Left out of the commit: copied files, setup's leftovers, an agent's scratch files. */
    exclude?: { readonly paths?: readonly string[]; readonly globs?: readonly string[] };
  },
): Promise<TaskOutcome> {
  try {
    const checked = await checkTaskWorktree(repo, task);
    if ('problem' in checked) return { status: 'failed', ...checked.problem };
    const commit = await commitChanges(repo, {
      worktree: task.worktree,
      message: task.commitMessage,
      head: checked.head,
      ...(task.exclude && { exclude: task.exclude }),
    });
    const moved = await checkTaskHistory(repo, { ...task, head: commit, before: checked.head });
    if (moved) return { status: 'failed', ...moved };
    const marked = await findConflictMarkers(repo, { from: task.baseCommit, to: commit });
    if (marked.length > 0) {
      return {
        status: 'failed',
        reason: 'conflict-markers',
        message: `the agent left conflict markers in ${marked.join(', ')}`,
      };
    }
    return { status: 'succeeded', commit };
  } catch (error) {
    return {
      status: 'failed',
      reason: 'commit-failed',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
