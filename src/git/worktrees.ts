/**
 * Worktrees under `.subplan/worktrees/<run>/`, one per running task. simple-git has no worktree
 * API, so these are raw commands.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Repo } from './repo.js';

/** Directory of a task's worktree. Task ids contain no `/`, so one level suffices. */
export function worktreePath(repo: Repo, runId: string, taskId: string): string {
  return join(repo.root, '.subplan', 'worktrees', runId, taskId);
}

/**
 * Creates (or re-creates, for a retry) a worktree on `branch` at `commit`. `-B` resets a branch
 * left by an earlier attempt; `--force` allows a path whose registration is stale.
 */
export async function addWorktree(repo: Repo, options: { dir: string; branch: string; commit: string }): Promise<void> {
  await removeWorktree(repo, options.dir);
  await repo.git(['worktree', 'add', '--force', '--quiet', '-B', options.branch, options.dir, options.commit]);
}

/** Removes a worktree and its registration; a missing one is not an error. */
export async function removeWorktree(repo: Repo, dir: string): Promise<void> {
  try {
    await repo.git(['worktree', 'remove', '--force', '--force', dir]);
  } catch {
    // Not registered (never created, or already removed): make sure nothing is left on disk.
    await rm(dir, { recursive: true, force: true });
    await repo.git(['worktree', 'prune']);
  }
}
