/**
 * A merge task's git work: its sources merged in order onto its branch. A branch that already
 * holds every source is taken as it is: a conflict a person resolved there by hand, or a merge an
 * earlier session finished but stopped before recording.
 */
import type { TaskOutcome } from '../core/index.js';
import { gitStatus, mergeCommits, setBranch } from '../git/index.js';
import type { MergeCommitsOptions, MergeSource, Repo, ResolvedConflict } from '../git/index.js';

export interface MergeTaskResult {
  readonly outcome: TaskOutcome;
  /** True when the branch already held the merge and nothing was computed. */
  readonly existing: boolean;
  /** Conflicts the resolver agent resolved. */
  readonly resolved?: readonly ResolvedConflict[];
}

export async function mergeOntoBranch(
  repo: Repo,
  branch: string,
  sources: readonly MergeSource[],
  resolve?: MergeCommitsOptions['resolve'],
): Promise<MergeTaskResult> {
  try {
    const existing = await existingMerge(
      repo,
      branch,
      sources.map((source) => source.commit),
    );
    if (existing !== undefined)
      return { outcome: { status: 'succeeded', commit: existing }, existing: true };
    const merged = await mergeCommits(repo, sources, {
      message: (label) => `subplan: merge ${label} into ${branch}`,
      ...(resolve && { resolve }),
    });
    if (merged.status === 'conflict') {
      const { files, sources: involved, resolverFailure } = merged;
      return {
        outcome: {
          status: 'conflict',
          files,
          sources: involved,
          ...(resolverFailure !== undefined && { resolverFailure }),
        },
        existing: false,
      };
    }
    await setBranch(repo, branch, merged.commit);
    return {
      outcome: { status: 'succeeded', commit: merged.commit },
      existing: false,
      resolved: merged.resolved,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { outcome: { status: 'failed', reason: 'executor-failed', message }, existing: false };
  }
}

/** The head of `branch` when the branch exists and every source commit is in its history. */
async function existingMerge(
  repo: Repo,
  branch: string,
  sources: readonly string[],
): Promise<string | undefined> {
  const head = await gitStatus(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  if (head.exitCode !== 0) return undefined;
  const commit = head.stdout.trim();
  for (const source of sources) {
    if ((await gitStatus(repo, ['merge-base', '--is-ancestor', source, commit])).exitCode !== 0)
      return undefined;
  }
  return commit;
}
