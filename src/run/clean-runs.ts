/**
 * `subplan clean`: removes what finished runs leave behind: their worktrees, their branches
 * (`subplan/<run>/…`, the result included), their record under `.subplan/runs/`, and the pool of
 * worktrees kept for the next run. A run whose
 * process is still alive is never touched; taking its lock is how that is checked, so a run that
 * starts or resumes meanwhile cannot be cleaned under its feet. A run branch that is checked out
 * outside the run's worktrees or has commits the run did not make is the user's now, and is kept
 * (see run-branches-to-delete.ts).
 */
import { rm } from 'node:fs/promises';
import { RunLockedError } from '../core/index.js';
import {
  gitStatus,
  openRepo,
  pruneWorktrees,
  removePooledWorktrees,
  removeRunWorktrees,
} from '../git/index.js';
import { acquireRunLock, readRunState, runPaths } from '../state/index.js';
import { killOrphans } from './kill-orphans.js';
import { findRunPaths, listRuns } from './read-run.js';
import { runBranchesToDelete } from './run-branches-to-delete.js';
import type { KeptBranch } from './run-branches-to-delete.js';

export interface CleanedRun {
  readonly run_id: string;
  readonly branches: number;
  readonly worktrees: number;
}

export interface CleanResult {
  readonly cleaned: readonly CleanedRun[];
  /** Worktrees finished runs had left in the pool for the next one. */
  readonly pooled_worktrees: number;
  /** Branches of cleaned runs left in place: checked out somewhere, or with someone's commits. */
  readonly kept: readonly KeptBranch[];
  /** Runs left alone because a live process holds them (only with `all`). */
  readonly skipped: readonly { readonly run_id: string; readonly reason: string }[];
}

/**
 * Cleans run `runId` (an id or unique prefix), or every run with `all`. A run a live process
 * holds is skipped with `all` and is a `RunLockedError` when named: the one thing asked for cannot
 * be done now.
 */
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
  const kept: KeptBranch[] = [];
  const skipped: { run_id: string; reason: string }[] = [];
  for (const runId of ids) {
    const paths = runPaths(repo.root, runId);
    let lock;
    try {
      lock = await acquireRunLock(paths.runDir, runId);
    } catch (error) {
      if (!(error instanceof RunLockedError) || !options.all) throw error;
      skipped.push({ run_id: runId, reason: error.message });
      continue;
    }
    try {
      const read = await readRunState(paths);
      if (read.ok) await killOrphans(read.state);
      // Sorted before the run's worktrees go, so a branch they hold is known to be the run's.
      const branches = await runBranchesToDelete(repo, {
        runId,
        paths,
        state: read.ok ? read.state : undefined,
      });
      const worktrees = await removeRunWorktrees(repo, runId);
      kept.push(...branches.kept);
      let deleted = 0;
      for (const [ref, tip] of branches.deletable) {
        // Only at the tip it was sorted at: a commit made meanwhile keeps the branch.
        const result = await gitStatus(repo, ['update-ref', '-d', ref, tip]);
        if (result.exitCode === 0) deleted++;
        else
          kept.push({
            run_id: runId,
            branch: ref.slice('refs/heads/'.length),
            reason: 'it moved while clean ran',
          });
      }
      cleaned.push({ run_id: runId, branches: deleted, worktrees });
    } finally {
      await lock.release();
    }
    await rm(paths.runDir, { recursive: true, force: true });
  }
  // Nothing in the pool belongs to a run: a run moves what it takes out of it, under the lock.
  const pooled = await removePooledWorktrees(repo);
  await pruneWorktrees(repo);
  return { cleaned, pooled_worktrees: pooled, kept, skipped };
}
