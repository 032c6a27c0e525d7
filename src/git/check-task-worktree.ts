/**
 * Checks that an agent left its worktree usable and on its own branch before anything is
 * committed there. An agent can delete `.git` (git would then find the user's repository from
 * the worktree's directory, and a commit there would land on the user's branch), check out
 * another branch, detach HEAD, or reset its branch away from the base. Each is the task's
 * failure; none may lead to a commit anywhere but the task's branch.
 */
import { realpath } from 'node:fs/promises';
import type { Repo } from './repo.js';
import { gitStatus } from './repo.js';

export type WorktreeProblem = {
  readonly reason: 'worktree-failed' | 'branch-moved';
  readonly message: string;
};

/**
 * Before committing: the worktree is still one of this repository's, with HEAD on `branch`.
 * Returns the commit HEAD is at, or the problem. One git process when all is well (a thousand
 * tasks spawn a thousand of each); where something is off, the slower checks below say what.
 */
export async function checkTaskWorktree(
  repo: Repo,
  task: { worktree: string; branch: string },
): Promise<{ readonly head: string } | { readonly problem: WorktreeProblem }> {
  const quick = await gitStatus(
    repo,
    ['rev-parse', '--show-toplevel', 'HEAD', '--symbolic-full-name', 'HEAD'],
    task.worktree,
  ).catch(() => undefined);
  if (quick?.exitCode === 0) {
    const [top = '', head = '', ref = ''] = quick.stdout.trim().split('\n');
    const expected = await realpath(task.worktree).catch(() => task.worktree);
    if (
      ref === `refs/heads/${task.branch}` &&
      /^[0-9a-f]{40,64}$/.test(head) &&
      (await realpath(top).catch(() => '')) === expected
    )
      return { head };
  }
  const problem = await findWorktreeProblem(repo, task);
  if (problem) return { problem };
  return { head: (await repo.git(['rev-parse', 'HEAD'], task.worktree)).trim() };
}

async function findWorktreeProblem(
  repo: Repo,
  task: { worktree: string; branch: string },
): Promise<WorktreeProblem | undefined> {
  const where = await gitStatus(repo, ['rev-parse', '--show-toplevel'], task.worktree).catch(
    () => undefined,
  );
  const expected = await realpath(task.worktree).catch(() => task.worktree);
  const top = where?.exitCode === 0 ? await realpath(where.stdout.trim()).catch(() => '') : '';
  if (top !== expected) {
    return {
      reason: 'worktree-failed',
      message: `the agent broke its worktree ${task.worktree} (its .git is gone or damaged); nothing was committed`,
    };
  }
  const head = await gitStatus(repo, ['symbolic-ref', '--quiet', 'HEAD'], task.worktree);
  const ref = head.stdout.trim();
  if (head.exitCode !== 0 || ref !== `refs/heads/${task.branch}`) {
    const found =
      head.exitCode === 0 ? `on ${ref.replace(/^refs\/heads\//, '')}` : 'with a detached HEAD';
    return {
      reason: 'branch-moved',
      message: `the agent left its worktree ${found} instead of its branch ${task.branch}; nothing was committed`,
    };
  }
  return undefined;
}

/**
 * After committing: the task's branch still grows from the commit the task started at. `before`
 * is where HEAD was before subplan's own commit: at the base, the answer is known without git.
 */
export async function checkTaskHistory(
  repo: Repo,
  task: { branch: string; baseCommit: string; head: string; before?: string },
): Promise<WorktreeProblem | undefined> {
  if (task.before === task.baseCommit) return undefined;
  const result = await gitStatus(repo, ['merge-base', '--is-ancestor', task.baseCommit, task.head]);
  if (result.exitCode === 0) return undefined;
  return {
    reason: 'branch-moved',
    message: `the agent moved its branch ${task.branch} off the commit it started at (${task.baseCommit.slice(0, 10)})`,
  };
}
