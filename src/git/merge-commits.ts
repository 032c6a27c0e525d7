/**
 * Merges commits in the given order without touching any worktree or index:
 * `git merge-tree --write-tree` computes the merged tree (or the conflicted files), then
 * `commit-tree` records it. The order is the caller's (id order), so the result depends on the
 * plan and never on which task finished first.
 */
import { GitError } from '../core/index.js';
import type { Repo } from './repo.js';
import { gitStatus } from './repo.js';

export interface MergeSource {
  /** Who produced the commit (a task id), for messages and conflict reports. */
  readonly label: string;
  readonly commit: string;
}

export type MergeResult =
  | { readonly status: 'merged'; readonly commit: string }
  | {
      readonly status: 'conflict';
      readonly files: readonly string[];
      /** The labels merged so far plus the one that conflicted. */
      readonly sources: readonly string[];
    };

export async function mergeCommits(
  repo: Repo,
  sources: readonly MergeSource[],
  options: { message: (label: string) => string },
): Promise<MergeResult> {
  const [first, ...rest] = sources;
  if (!first) throw new Error('mergeCommits needs at least one source');
  let head = first.commit;
  const merged = [first.label];
  for (const source of rest) {
    if (await isAncestor(repo, source.commit, head)) {
      merged.push(source.label);
      continue;
    }
    if (await isAncestor(repo, head, source.commit)) {
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
    if (tree.exitCode === 1) {
      const [header = ''] = tree.stdout.split('\0\0');
      const files = [
        ...new Set(
          header
            .split('\0')
            .slice(1)
            .filter((f) => f !== ''),
        ),
      ].sort();
      return { status: 'conflict', files, sources: [...merged, source.label] };
    }
    if (tree.exitCode !== 0) {
      throw new GitError({
        args: ['merge-tree', '--write-tree', head, source.commit],
        stderr: tree.stderr,
      });
    }
    const treeId = tree.stdout.split('\0')[0]?.trim() ?? '';
    const message = options.message(source.label);
    head = (
      await repo.git(['commit-tree', treeId, '-p', head, '-p', source.commit, '-m', message])
    ).trim();
    merged.push(source.label);
  }
  return { status: 'merged', commit: head };
}

async function isAncestor(repo: Repo, ancestor: string, descendant: string): Promise<boolean> {
  if (ancestor === descendant) return true;
  const result = await gitStatus(repo, ['merge-base', '--is-ancestor', ancestor, descendant]);
  return result.exitCode === 0;
}
