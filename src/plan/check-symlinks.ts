/**
 * A glob that reaches a symlink leading out of the repository would hand an agent files outside
 * it. Symlinks are read from the commit a run starts from (git stores a link's target as its
 * content), so this is pure: the caller lists them, this resolves them as the filesystem would,
 * through chains of links, and says which ones leave.
 */
import { posix } from 'node:path';
import picomatch from 'picomatch';

/** A symlink tracked in the repository: its repo-relative path and its target as stored. */
export interface RepoSymlink {
  readonly path: string;
  readonly target: string;
}

/** Links can point at links; past this many hops the chain is treated as leading nowhere safe. */
const MAX_HOPS = 40;

/**
 * The symlinks that resolve outside the repository (or into its `.git`), by path, with their
 * target. `root` is the repository's absolute path, for targets written as absolute paths.
 */
export function symlinksLeavingRepo(
  links: readonly RepoSymlink[],
  root: string,
): Map<string, string> {
  const byPath = new Map(links.map((link) => [link.path, link.target]));
  const leaving = new Map<string, string>();
  for (const link of [...links].sort((a, b) => a.path.localeCompare(b.path))) {
    if (resolveInRepo(link.path, byPath, root, 0) === undefined)
      leaving.set(link.path, link.target);
  }
  return leaving;
}

/** Why `pattern` reaches a symlink in `leaving`, or undefined. */
export function symlinkProblem(
  pattern: string,
  leaving: ReadonlyMap<string, string>,
  noun: string,
): string | undefined {
  if (leaving.size === 0) return undefined;
  const isMatch = picomatch(pattern, { dot: true });
  const base = picomatch.scan(pattern).base;
  for (const [link, target] of leaving) {
    if (isMatch(link) || base === link || base.startsWith(`${link}/`)) {
      return `${noun} \`${pattern}\` reaches \`${link}\`, a symlink that leads outside the repository (to \`${target}\`)`;
    }
  }
  return undefined;
}

/** The repo-relative path `path` resolves to, or undefined when it leaves the repository. */
function resolveInRepo(
  path: string,
  links: ReadonlyMap<string, string>,
  root: string,
  hops: number,
): string | undefined {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    const target = links.get(prefix);
    if (target === undefined) continue;
    if (hops >= MAX_HOPS) return undefined;
    let next: string;
    if (posix.isAbsolute(target)) {
      if (target !== root && !target.startsWith(`${root}/`)) return undefined;
      next = posix.relative(root, target) || '.';
    } else {
      next = posix.normalize(posix.join(posix.dirname(prefix), target));
    }
    const rest = parts.slice(i).join('/');
    const resolved = posix.normalize(rest ? posix.join(next, rest) : next);
    if (resolved === '..' || resolved.startsWith('../')) return undefined;
    // Inside the root but into git's own files (hooks, config) is no better than outside.
    if (resolved === '.git' || resolved.startsWith('.git/')) return undefined;
    return resolveInRepo(resolved, links, root, hops + 1);
  }
  return path;
}
