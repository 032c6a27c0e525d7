/**
 * `subplan clean`: removes what finished runs leave behind: their worktrees, their branches
 * (`subplan/<run>/…`, the result included), their record under `.subplan/runs/`, and the pool of
 * worktrees kept for the next run. A run whose
 * process is still alive is never touched; taking its lock is how that is checked, so a run that
 * starts or resumes meanwhile cannot be cleaned under its feet.
 */
import { rm } from 'node:fs/promises';
import { RunLockedError } from '../core/index.js';
import {
  openRepo,
  pruneWorktrees,
  removePooledWorktrees,
  removeRunWorktrees,
} from '../git/index.js';
import { acquireRunLock, readRunState, runPaths } from '../state/index.js';
import { killOrphans } from './kill-orphans.js';
import { findRunPaths, listRuns } from './read-run.js';

export interface CleanedRun {
  readonly run_id: string;
  readonly branches: number;
  readonly worktrees: number;
}

export interface CleanResult {
  readonly cleaned: readonly CleanedRun[];
  /** Worktrees finished runs had left in the pool for the next one. */
  readonly pooled_worktrees: number;
  /** Runs left alone because a live process holds them. */
  readonly skipped: readonly { readonly run_id: string; readonly reason: string }[];
}

export async function cleanRuns(options: {
  repoDir: string;
  runId?: string;
  all?: boolean;
}): Promise<CleanResult> {
  const repo = await openRepo(options.repoDir);
  const ids = options.all
    ? (await listRuns(options.repoDir)).map((run) => run.run_id)
    : [(await findRunPaths(options.repoDir, options.runId)).runId];
  const cleaned: CleanedRun[] = [];
  const skipped: { run_id: string; reason: string }[] = [];
  for (const runId of ids) {
    const paths = runPaths(repo.root, runId);
    let lock;
    try {
      lock = await acquireRunLock(paths.runDir, runId);
    } catch (error) {
      if (!(error instanceof RunLockedError)) throw error;
      skipped.push({ run_id: runId, reason: error.message });
      continue;
    }
    try {
      const read = await readRunState(paths);
      if (read.ok) await killOrphans(read.state);
      const worktrees = await removeRunWorktrees(repo, runId);
      const refs = (
        await repo.git(['for-each-ref', '--format=%(refname)', `refs/heads/subplan/${runId}/`])
      )
        .split('\n')
        .filter(Boolean);
      for (const ref of refs) await repo.git(['update-ref', '-d', ref]);
      cleaned.push({ run_id: runId, branches: refs.length, worktrees });
    } finally {
      await lock.release();
    }
    await rm(paths.runDir, { recursive: true, force: true });
  }
  // Nothing in the pool belongs to a run: a run moves what it takes out of it, under the lock.
  const pooled = await removePooledWorktrees(repo);
  await pruneWorktrees(repo);
  return { cleaned, pooled_worktrees: pooled, skipped };
}
