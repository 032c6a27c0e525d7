/**
 * A phase's scope: the files of a commit that match its globs. Read from the commit, not a
 * working tree, so the scope depends on the plan and the base only; .gitignored files are never
 * tracked, so they never appear. An empty glob list means every file.
 */
import picomatch from 'picomatch';
import type { Repo } from '../git/index.js';

export async function listCommitFiles(repo: Repo, commit: string): Promise<string[]> {
  const output = await repo.git(['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit]);
  return output.split('\0').filter((f) => f !== '');
}

export function matchScope(files: readonly string[], globs: readonly string[]): string[] {
  if (globs.length === 0) return [...files];
  const isMatch = picomatch([...globs], { dot: true });
  return files.filter((file) => isMatch(file));
}
