import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addWorktree,
  excludeStateDir,
  openRepo,
  removeWorktree,
  resetWorktree,
  taskBranch,
  worktreePath,
} from '../../src/git/index.js';
import { createTempRepo } from '../helpers/temp-repo.js';

const FILES = Object.fromEntries(
  Array.from({ length: 40 }, (_, i) => [`src/d${i % 4}/f${i}.txt`, `${i}\n`]),
);

describe('worktrees', () => {
  it('adds many worktrees at once, each a full checkout of its commit on its own branch', async () => {
    await using temp = await createTempRepo(FILES);
    const repo = await openRepo(temp.dir);
    await excludeStateDir(repo);
    const commit = await temp.git('rev-parse', 'HEAD');
    const ids = Array.from({ length: 8 }, (_, i) => `t${i}`);
    await Promise.all(
      ids.map((id) =>
        addWorktree(repo, {
          dir: worktreePath(repo, 'run', id),
          branch: taskBranch('run', id),
          commit,
        }),
      ),
    );
    for (const id of ids) {
      const dir = worktreePath(repo, 'run', id);
      expect(await readFile(join(dir, 'src/d3/f39.txt'), 'utf8')).toBe('39\n');
      expect(await temp.git('-C', dir, 'status', '--porcelain')).toBe('');
      expect(await temp.git('-C', dir, 'symbolic-ref', 'HEAD')).toBe(
        `refs/heads/${taskBranch('run', id)}`,
      );
    }
    const listed = await temp.git('worktree', 'list', '--porcelain');
    expect(listed.split('\n').filter((l) => l.startsWith('worktree ')).length).toBe(9);
  });

  it('removes worktrees at once: files, directory and registration', async () => {
    await using temp = await createTempRepo(FILES);
    const repo = await openRepo(temp.dir);
    await excludeStateDir(repo);
    const commit = await temp.git('rev-parse', 'HEAD');
    const dirs = Array.from({ length: 6 }, (_, i) => worktreePath(repo, 'run', `r${i}`));
    for (const [i, dir] of dirs.entries())
      await addWorktree(repo, { dir, branch: taskBranch('run', `r${i}`), commit });
    await Promise.all(dirs.map((dir) => removeWorktree(repo, dir)));
    for (const dir of dirs) expect(existsSync(dir)).toBe(false);
    const listed = await temp.git('worktree', 'list', '--porcelain');
    expect(listed.split('\n').filter((l) => l.startsWith('worktree ')).length).toBe(1);
    await removeWorktree(repo, dirs[0] ?? '');
  });

  it('resets a used worktree onto a new branch at a commit: tracked files restored, the rest gone', async () => {
    await using temp = await createTempRepo(FILES);
    const repo = await openRepo(temp.dir);
    await excludeStateDir(repo);
    const base = await temp.git('rev-parse', 'HEAD');
    const dir = worktreePath(repo, 'run', 'used');
    await addWorktree(repo, { dir, branch: taskBranch('run', 'used'), commit: base });
    await temp.git('-C', dir, 'rm', '--quiet', 'src/d0/f0.txt');
    await temp.git('-C', dir, 'commit', '--quiet', '-m', 'used');
    await temp.write({ [join('.subplan/worktrees/run/used', 'stray.txt')]: 'x\n' });
    await resetWorktree(repo, { dir, branch: taskBranch('run', 'next'), commit: base });
    expect(await temp.git('-C', dir, 'symbolic-ref', 'HEAD')).toBe(
      `refs/heads/${taskBranch('run', 'next')}`,
    );
    expect(await temp.git('rev-parse', taskBranch('run', 'next'))).toBe(base);
    expect(await temp.git('-C', dir, 'status', '--porcelain', '--ignored')).toBe('');
    expect(await readFile(join(dir, 'src/d0/f0.txt'), 'utf8')).toBe('0\n');
    expect(await temp.git('rev-parse', taskBranch('run', 'used'))).not.toBe(base);
  });
});
