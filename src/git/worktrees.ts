/**
 * Worktrees under `.subplan/worktrees/<run>/`, one per running task.
 *
 * git does not make worktree changes safe against each other: `worktree add` reads every other
 * worktree's registration and fails on one that is half written ("failed to read
 * .git/worktrees/x/commondir"). So every add and remove holds a lock file in the shared git
 * directory, which covers the pool's threads, other processes and other runs alike. Nothing here
 * prunes while tasks run: prune drops registrations whose directory is not there yet.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import type { Repo } from './repo.js';

/** Directory of a task's worktree. Task ids contain no `/`, so one level suffices. */
export function worktreePath(repo: Repo, runId: string, taskId: string): string {
  return join(repo.root, '.subplan', 'worktrees', runId, taskId);
}

/**
 * Creates (or re-creates, for a retry) a worktree on `branch` at `commit`. `-B` resets a branch
 * left by an earlier attempt; `--force` allows a path whose registration is stale.
 */
export async function addWorktree(
  repo: Repo,
  options: { dir: string; branch: string; commit: string },
): Promise<void> {
  await withWorktreeLock(repo, async () => {
    if (existsSync(options.dir)) await removeUnlocked(repo, options.dir);
    await repo.git([
      'worktree',
      'add',
      '--force',
      '--quiet',
      '-B',
      options.branch,
      options.dir,
      options.commit,
    ]);
  });
}

/** Removes a worktree and its registration; a missing one is not an error. */
export async function removeWorktree(repo: Repo, dir: string): Promise<void> {
  await withWorktreeLock(repo, () => removeUnlocked(repo, dir));
}

/**
 * Reuses a worktree another task of the run has finished with: points it at `commit` on `branch`
 * and makes it exactly that commit's tree, writing only the files that differ, which is far
 * cheaper than checking out every file of a new worktree. No lock is needed: the branch is new
 * and this task's own, and nothing here reads other worktrees (unlike `checkout -B`).
 */
export async function resetWorktree(
  repo: Repo,
  options: { dir: string; branch: string; commit: string },
): Promise<void> {
  await repo.git(['update-ref', `refs/heads/${options.branch}`, options.commit]);
  await repo.git(['symbolic-ref', 'HEAD', `refs/heads/${options.branch}`], options.dir);
  await repo.git(['reset', '--hard', '--quiet', options.commit], options.dir);
  await repo.git(['clean', '-ffdxq'], options.dir);
}

/** Removes every worktree of one run (registered or left on disk). */
export async function removeRunWorktrees(repo: Repo, runId: string): Promise<number> {
  const root = join(repo.root, '.subplan', 'worktrees', runId);
  const dirs = (await repo.git(['worktree', 'list', '--porcelain']))
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length))
    .filter((dir) => dir.startsWith(`${root}/`));
  for (const dir of dirs) await removeWorktree(repo, dir);
  await rm(root, { recursive: true, force: true });
  return dirs.length;
}

/** Forgets registrations of worktrees whose directories are gone. Only when no task runs. */
export async function pruneWorktrees(repo: Repo): Promise<void> {
  await withWorktreeLock(repo, () => repo.git(['worktree', 'prune']));
}

async function removeUnlocked(repo: Repo, dir: string): Promise<void> {
  try {
    await repo.git(['worktree', 'remove', '--force', '--force', dir]);
  } catch {
    // Not registered (never fully created): make sure nothing is left on disk.
    await rm(dir, { recursive: true, force: true });
  }
}

async function withWorktreeLock<T>(repo: Repo, action: () => Promise<T>): Promise<T> {
  const release = await lock(join(repo.commonDir, 'subplan-worktrees'), {
    realpath: false,
    // Holders keep it for one git command (tens of ms); waiting many in a row is normal at
    // high max_parallel, so retry often and for long. A holder that died is stale after 10 s.
    retries: { retries: 2000, factor: 1.1, minTimeout: 2, maxTimeout: 40 },
    stale: 10_000,
    // Held for one git command; a late refresh must not crash the worker thread holding it.
    onCompromised: () => undefined,
  });
  try {
    return await action();
  } finally {
    await release();
  }
}
