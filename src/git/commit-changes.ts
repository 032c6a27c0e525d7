/**
 * Records what an agent did as a commit on its branch, when the agent did not commit itself.
 * Returns the branch head either way, so "no changes" is simply the base commit.
 */
import type { Repo } from './repo.js';
import { gitStatus } from './repo.js';

export async function commitChanges(
  repo: Repo,
  options: { worktree: string; message: string },
): Promise<string> {
  await repo.git(['add', '--all'], options.worktree);
  const staged = await gitStatus(repo, ['diff', '--cached', '--quiet'], options.worktree);
  if (staged.exitCode === 1) {
    await repo.git(['commit', '--quiet', '--no-verify', '-m', options.message], options.worktree);
  }
  return (await repo.git(['rev-parse', 'HEAD'], options.worktree)).trim();
}
