/**
 * A conflicted merge made real for a resolver: a worktree at the commit merged so far, with
 * `git merge --no-ff --no-commit` leaving the conflicted state (markers in the files, unmerged
 * index entries) for someone to resolve. The result is accepted only when nothing is left
 * unmerged after `git add -A`, no conflicted file still holds a conflict marker line, and it
 * commits as a merge of both sides.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Repo } from './repo.js';
import { gitStatus } from './repo.js';
import { addDetachedWorktree } from './worktrees.js';

/** Lines git writes around conflicts (merge and diff3 styles), at the start of a line. */
const MARKER_LINE = /^(<{7} |\|{7} |={7}\r?$|>{7} )/m;

export interface ConflictedMerge {
  readonly dir: string;
  readonly head: string;
  readonly source: string;
}

/**
 * Checks out `head` (detached: no branch of the run moves) in `dir` and starts merging `source`
 * there. Returns the files left conflicted (unmerged in the index), sorted.
 */
export async function startConflictedMerge(
  repo: Repo,
  merge: ConflictedMerge,
): Promise<readonly string[]> {
  await addDetachedWorktree(repo, { dir: merge.dir, commit: merge.head });
  // Exit 1 is the expected answer: the merge stopped on conflicts.
  await gitStatus(repo, ['merge', '--no-ff', '--no-commit', '--quiet', merge.source], merge.dir);
  return unmergedFiles(repo, merge.dir);
}

export type ResolvedMerge =
  | { readonly status: 'committed'; readonly commit: string }
  | { readonly status: 'rejected'; readonly message: string };

/**
 * Accepts what the resolver left in `dir` and commits it as the merge of `head` and `source`
 * (or takes the merge commit the resolver made itself), or says why it cannot.
 */
export async function commitResolvedMerge(
  repo: Repo,
  merge: ConflictedMerge & { readonly files: readonly string[]; readonly message: string },
): Promise<ResolvedMerge> {
  await repo.git(['add', '--all'], merge.dir);
  const unmerged = await unmergedFiles(repo, merge.dir);
  if (unmerged.length > 0)
    return { status: 'rejected', message: `unmerged files remain: ${unmerged.join(', ')}` };
  const marked: string[] = [];
  for (const file of merge.files) {
    const path = join(merge.dir, file);
    if (existsSync(path) && MARKER_LINE.test(await readFile(path, 'utf8'))) marked.push(file);
  }
  if (marked.length > 0)
    return { status: 'rejected', message: `conflict markers remain in ${marked.join(', ')}` };
  const merging = await gitStatus(
    repo,
    ['rev-parse', '--verify', '--quiet', 'MERGE_HEAD'],
    merge.dir,
  );
  if (merging.exitCode === 0) {
    // MERGE_HEAD makes this commit a merge with both parents.
    await repo.git(['commit', '--quiet', '--no-verify', '-m', merge.message], merge.dir);
  }
  const commit = (await repo.git(['rev-parse', 'HEAD'], merge.dir)).trim();
  for (const side of [merge.head, merge.source]) {
    const contained = await gitStatus(repo, ['merge-base', '--is-ancestor', side, commit]);
    if (contained.exitCode !== 0)
      return { status: 'rejected', message: 'the merge was abandoned: the result lacks a side' };
  }
  return { status: 'committed', commit };
}

async function unmergedFiles(repo: Repo, dir: string): Promise<string[]> {
  const listed = await repo.git(['diff', '--name-only', '--diff-filter=U', '-z'], dir);
  return [...new Set(listed.split('\0').filter((file) => file !== ''))].sort();
}
