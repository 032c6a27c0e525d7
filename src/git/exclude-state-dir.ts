/**
 * Keeps `.subplan/` out of `git status` through `.git/info/exclude`, which is local to the clone:
 * the user's tracked .gitignore is never edited.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Repo } from './repo.js';

const ENTRY = '/.subplan/';

export async function excludeStateDir(repo: Repo): Promise<void> {
  const file = join(repo.commonDir, 'info', 'exclude');
  const current = await readFile(file, 'utf8').catch(() => '');
  if (current.split(/\r?\n/).some((line) => line.trim() === ENTRY)) return;
  await mkdir(join(repo.commonDir, 'info'), { recursive: true });
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  await appendFile(file, `${separator}# subplan's run state and worktrees\n${ENTRY}\n`);
}
