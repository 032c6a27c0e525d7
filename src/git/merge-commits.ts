/**
 * Merges commits in the given order without touching any worktree or index:
 * `git merge-tree --write-tree` computes the merged tree (or the conflicted files), then
 * `commit-tree` records it. The order is the caller's (id order), so the result depends on the
 * plan and never on which task finished first. A conflict ends the merge, unless a `resolve` hook
 * turns it into a commit (the resolver agent): merging then goes on from that commit.
 */
import { GitError } from '../core/index.js';
import type { Repo } from './repo.js';
import { gitStatus } from './repo.js';

const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface MergeSource {
  /** Who produced the commit (a task id), for messages and conflict reports. */
  readonly label: string;
  readonly commit: string;
}

export type MergeResult =
  | {
      readonly status: 'merged';
      readonly commit: string;
      /** Conflicts the `resolve` hook resolved, in merge order. */
      readonly resolved: readonly ResolvedConflict[];
    }
  | {
      readonly status: 'conflict';
      readonly files: readonly string[];
      /** The labels merged so far plus the one that conflicted. */
      readonly sources: readonly string[];
      /** Why the `resolve` hook's attempt was rejected, when it made one. */
      readonly resolverFailure?: string;
    };

export interface ResolvedConflict {
  readonly source: string;
  readonly files: readonly string[];
}

/** A conflict handed to the `resolve` hook: `source` does not merge cleanly into `head`. */
export interface MergeConflict {
  readonly head: string;
  readonly source: MergeSource;
  readonly files: readonly string[];
  readonly message: string;
}

export type ConflictResolution =
  | { readonly status: 'resolved'; readonly commit: string }
  | { readonly status: 'rejected'; readonly message: string };

export interface MergeCommitsOptions {
  readonly message: (label: string) => string;
  /** Tries to resolve a conflict into a merge commit of `head` and the source. */
  readonly resolve?: (conflict: MergeConflict) => Promise<ConflictResolution>;
}

export async function mergeCommits(
  repo: Repo,
  sources: readonly MergeSource[],
  options: MergeCommitsOptions,
): Promise<MergeResult> {
  const [first, ...rest] = sources;
  if (!first) throw new Error('mergeCommits needs at least one source');
  let head = first.commit;
  const merged = [first.label];
  const resolved: ResolvedConflict[] = [];
  for (const source of rest) {
    const relation = await relate(repo, head, source.commit);
    if (relation === 'contains') {
      merged.push(source.label);
      continue;
    }
    if (relation === 'behind') {
      head = source.commit;
      merged.push(source.label);
      continue;
    }
    const tree = await gitStatus(repo, [
      'merge-tree',
      '--write-tree',
      '--name-only',
      '-z',
      head,
      source.commit,
    ]);
    // A conflict is exit 1 with the tree written first. Exit 1 without one is git failing (a
    // damaged object, say), which must not pass for a conflict with no files.
    if (tree.exitCode === 1 && OBJECT_ID.test(tree.stdout.split('\0')[0] ?? '')) {
      const [header = ''] = tree.stdout.split('\0\0');
      const files = [
        ...new Set(
          header
            .split('\0')
            .slice(1)
            .filter((f) => f !== ''),
        ),
      ].sort();
      const message = options.message(source.label);
      const resolution = await options.resolve?.({ head, source, files, message });
      if (resolution?.status === 'resolved') {
        head = resolution.commit;
        merged.push(source.label);
        resolved.push({ source: source.label, files });
        continue;
      }
      return {
        status: 'conflict',
        files,
        sources: [...merged, source.label],
        ...(resolution && { resolverFailure: resolution.message }),
      };
    }
    if (tree.exitCode !== 0) {
      throw new GitError({
        args: ['merge-tree', '--write-tree', head, source.commit],
        stderr: tree.stderr || `exit code ${tree.exitCode}`,
      });
    }
    const treeId = tree.stdout.split('\0')[0]?.trim() ?? '';
    const message = options.message(source.label);
    head = (
      await repo.git(['commit-tree', treeId, '-p', head, '-p', source.commit, '-m', message])
    ).trim();
    merged.push(source.label);
  }
  return { status: 'merged', commit: head, resolved };
}

/**
 * How `head` stands to `source`, from one `merge-base` (one git process where two
 * `--is-ancestor` checks took two): it already contains it, it is behind it (a fast-forward), or
 * they diverged. Commits are full ids, as merge-base prints them.
 */
async function relate(
  repo: Repo,
  head: string,
  source: string,
): Promise<'contains' | 'behind' | 'diverged'> {
  if (head === source) return 'contains';
  const result = await gitStatus(repo, ['merge-base', head, source]);
  const base = result.exitCode === 0 ? result.stdout.trim() : '';
  return base === source ? 'contains' : base === head ? 'behind' : 'diverged';
}
