/**
 * Which branches of a run `clean` deletes, and which it keeps because they are no longer only the
 * run's. A branch checked out anywhere but in the run's own worktrees (which clean removes) is
 * in use: deleting it would leave that checkout on an unborn branch. A branch whose tip is not a
 * commit the run recorded for it has commits the run did not make, someone's work that deleting
 * would make unreachable. A branch the run's own worktree holds is where the run left it even at
 * an unrecorded commit: a failed agent's commits, kept for inspection until clean.
 */
import { join } from 'node:path';
import { checkedOutBranches, listRefs } from '../git/index.js';
import type { Repo } from '../git/index.js';
import type { RunPaths, RunState } from '../state/index.js';
import { recordedBranchCommits } from './recorded-branch-commits.js';

/** A branch of a run that clean left in place, and why. */
export interface KeptBranch {
  readonly run_id: string;
  /** Without `refs/heads/`. */
  readonly branch: string;
  readonly reason: string;
}

export interface RunBranches {
  /** Each branch to delete (`refs/heads/…`) with the tip it was seen at. */
  readonly deletable: ReadonlyMap<string, string>;
  readonly kept: readonly KeptBranch[];
}

/** Sorts the branches of run `runId`; call it before the run's worktrees are removed. */
export async function runBranchesToDelete(
  repo: Repo,
  options: { runId: string; paths: RunPaths; state: RunState | undefined },
): Promise<RunBranches> {
  const { runId } = options;
  const refs = await listRefs(repo, `refs/heads/subplan/${runId}/`);
  const checkedOut = await checkedOutBranches(repo);
  const recorded = recordedBranchCommits(options.paths, options.state);
  const ownWorktrees = `${join(repo.root, '.subplan', 'worktrees', runId)}/`;
  const deletable = new Map<string, string>();
  const kept: KeptBranch[] = [];
  for (const [ref, tip] of refs) {
    const branch = ref.slice('refs/heads/'.length);
    const holders = checkedOut.get(ref) ?? [];
    const elsewhere = holders.filter((dir) => !dir.startsWith(ownWorktrees));
    if (elsewhere.length > 0) {
      kept.push({ run_id: runId, branch, reason: `checked out in ${elsewhere.join(', ')}` });
    } else if (holders.length === 0 && !recorded.get(branch)?.has(tip)) {
      kept.push({
        run_id: runId,
        branch,
        reason: `has commits the run did not make (its tip ${tip.slice(0, 10)} is not where the run left it)`,
      });
    } else {
      deletable.set(ref, tip);
    }
  }
  return { deletable, kept };
}
