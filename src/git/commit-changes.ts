/**
 * Records what an agent did as a commit on its branch, when the agent did not commit itself.
 * Returns the branch head either way, so "no changes" is simply the base commit.
 */
import type { Repo } from './repo.js';
import { gitStatus } from './repo.js';

export async function commitChanges(
  repo: Repo,
  options: {
    worktree: string;
    message: string;
    /** Paths never committed: exact paths, and git pathspec globs. */
    exclude?: { readonly paths?: readonly string[]; readonly globs?: readonly string[] };
    /** Where HEAD is now, when the caller knows: spares a git process when nothing changed. */
    head?: string;
  },
): Promise<string> {
  const paths = await notIgnored(repo, options.worktree, options.exclude?.paths ?? []);
  const exclusions = [
    ...paths.map((path) => `:(exclude,literal)${path}`),
    ...(options.exclude?.globs ?? []).map((glob) => `:(exclude,glob)${glob}`),
  ];
  await repo.git(['add', '--all', '--', '.', ...exclusions], options.worktree);
  const staged = await gitStatus(repo, ['diff', '--cached', '--quiet'], options.worktree);
  if (staged.exitCode === 1) {
    await repo.git(['commit', '--quiet', '--no-verify', '-m', options.message], options.worktree);
  } else if (options.head !== undefined) {
    return options.head;
  }
  return (await repo.git(['rev-parse', 'HEAD'], options.worktree)).trim();
}

/** Naming an ignored file in `git add`, even to exclude it, is an error; ignored files need no exclusion. */
async function notIgnored(
  repo: Repo,
  worktree: string,
  paths: readonly string[],
): Promise<string[]> {
  if (paths.length === 0) return [];
  const result = await gitStatus(repo, ['check-ignore', '--', ...paths], worktree);
  const ignored = new Set(result.stdout.split('\n'));
  return paths.filter((path) => !ignored.has(path));
}
