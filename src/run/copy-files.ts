/**
 * Files of the user's checkout that each worktree of a phase gets a copy of (`copy:` globs):
 * typically ignored files such as `.env`, which a fresh worktree lacks. Matched on disk, not in
 * git, because ignored files are the point; the repository's own `.git` and `.subplan` never are.
 */
import { glob } from 'tinyglobby';

export async function findCopyFiles(root: string, globs: readonly string[]): Promise<string[]> {
  if (globs.length === 0) return [];
  const files = await glob([...globs], {
    cwd: root,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    expandDirectories: false,
    ignore: ['.git/**', '.subplan/**'],
  });
  return files.sort();
}
