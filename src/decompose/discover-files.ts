/**
 * A phase's scope: the files of a commit that match its globs. Read from the commit, not a
 * working tree, so the scope depends on the plan and the base only; .gitignored files are never
 * tracked, so they never appear. An empty glob list means every file. Sizes come from the tree
 * objects (`ls-tree -l`), so nothing is read to measure a file.
 */
import picomatch from 'picomatch';
import type { Repo } from '../git/index.js';
import type { ScopeFile } from './scope-file.js';

export async function listCommitFiles(repo: Repo, commit: string): Promise<ScopeFile[]> {
  const output = await repo.git(['ls-tree', '-r', '-l', '-z', '--full-tree', commit]);
  const files: ScopeFile[] = [];
  for (const entry of output.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    // "<mode> <type> <object> <size>\t<path>"; submodules (type commit) have size "-".
    const [, type, , size] = entry.slice(0, tab).split(/\s+/);
    if (type !== 'blob') continue;
    files.push({ path: entry.slice(tab + 1), bytes: Number(size) || 0 });
  }
  return files;
}

export function matchScope<T extends { path: string }>(
  files: readonly T[],
  globs: readonly string[],
): T[] {
  if (globs.length === 0) return [...files];
  const isMatch = picomatch([...globs], { dot: true });
  return files.filter((file) => isMatch(file.path));
}

/**
 * Hints for globs that name a folder without a wildcard (`docs`, `src/ui/`): they match no file,
 * and the author almost always meant the files in it.
 */
export function folderGlobHints(files: readonly { path: string }[], globs: readonly string[]) {
  return globs
    .filter((glob) => !picomatch.scan(glob).isGlob)
    .map((glob) => glob.replace(/\/+$/, ''))
    .filter((folder) => folder !== '' && files.some((f) => f.path.startsWith(`${folder}/`)))
    .map((folder) => `\`${folder}\` is a folder: \`${folder}/**\` matches the files in it`);
}
