/**
 * Which branches are checked out, and where: in the main checkout or in any linked worktree. git
 * refuses to delete such a branch with `git branch -d`, but `update-ref -d` does not ask, and
 * deleting it leaves that checkout on an unborn branch.
 */
import type { Repo } from './repo.js';

/** Each checked-out branch (`refs/heads/…`) with the worktrees that have it checked out. */
export async function checkedOutBranches(repo: Repo): Promise<Map<string, string[]>> {
  const branches = new Map<string, string[]>();
  const listing = await repo.git(['worktree', 'list', '--porcelain']);
  for (const entry of listing.split('\n\n')) {
    const lines = entry.split('\n');
    const dir = lines.find((line) => line.startsWith('worktree '))?.slice('worktree '.length);
    const ref = lines.find((line) => line.startsWith('branch '))?.slice('branch '.length);
    if (dir === undefined || ref === undefined) continue;
    branches.set(ref, [...(branches.get(ref) ?? []), dir]);
  }
  return branches;
}
