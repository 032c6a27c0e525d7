/**
 * What the plan loader needs to check globs against symlinks: the repository's tracked links at
 * the plan's base. No repository, or a base that names no commit, means nothing to check here:
 * `validate` works on a plan alone, and `run` and `plan` report those problems themselves.
 */
import { RepoError } from '../core/index.js';
import { listSymlinks, openRepo, resolveCommit } from '../git/index.js';
import type { RepoSymlink } from '../plan/index.js';

export async function readRepoSymlinks(
  dir: string,
  base: string,
): Promise<{ root: string; links: readonly RepoSymlink[] } | undefined> {
  try {
    const repo = await openRepo(dir);
    const commit = await resolveCommit(repo, base);
    return { root: repo.root, links: await listSymlinks(repo, commit) };
  } catch (error) {
    if (error instanceof RepoError) return undefined;
    throw error;
  }
}
