/**
 * Which files a task's commit changed outside what the task was given: its own files, and globs
 * (the phase's files, `scope_extra`). Renames count on both sides, so moving a file out of scope
 * is seen.
 */
import picomatch from 'picomatch';
import type { Repo } from './repo.js';

export async function filesOutsideScope(
  repo: Repo,
  options: {
    base: string;
    head: string;
    files: readonly string[];
    globs: readonly string[];
  },
): Promise<string[]> {
  if (options.base === options.head) return [];
  const output = await repo.git([
    'diff',
    '--name-only',
    '--no-renames',
    '-z',
    options.base,
    options.head,
  ]);
  const changed = output.split('\0').filter((path) => path !== '');
  const own = new Set(options.files);
  const inGlobs =
    options.globs.length > 0 ? picomatch([...options.globs], { dot: true }) : () => false;
  return changed.filter((path) => !own.has(path) && !inGlobs(path));
}

/** Paths that differ from HEAD in a worktree (changed or new, not ignored). */
export async function dirtyPaths(repo: Repo, worktree: string): Promise<string[]> {
  const output = await repo.git(
    ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'],
    worktree,
  );
  return output
    .split('\0')
    .filter((entry) => entry.length > 3)
    .map((entry) => entry.slice(3));
}
