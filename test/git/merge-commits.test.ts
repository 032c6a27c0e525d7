import { describe, expect, it } from 'vitest';
import { commitChanges, excludeStateDir, mergeCommits, openRepo } from '../../src/git/index.js';
import { createTempRepo } from '../helpers/temp-repo.js';

describe('mergeCommits', () => {
  it('merges siblings in the given order without touching the checkout', async () => {
    await using temp = await createTempRepo({ 'shared.txt': 'base\n' });
    const base = await temp.git('rev-parse', 'HEAD');
    const commitOn = async (branch: string, files: Record<string, string>) => {
      await temp.git('checkout', '--quiet', '-b', branch, base);
      await temp.write(files);
      const commit = await temp.commitAll(branch);
      await temp.git('checkout', '--quiet', 'main');
      return commit;
    };
    const a = await commitOn('a', { 'a.txt': 'a\n' });
    const b = await commitOn('b', { 'b.txt': 'b\n' });
    const repo = await openRepo(temp.dir);
    const result = await mergeCommits(
      repo,
      [
        { label: 'a', commit: a },
        { label: 'b', commit: b },
      ],
      { message: (l) => `merge ${l}` },
    );
    if (result.status !== 'merged') throw new Error('expected a merge');
    expect((await temp.git('ls-tree', '-r', '--name-only', result.commit)).split('\n')).toEqual([
      'a.txt',
      'b.txt',
      'shared.txt',
    ]);
    expect(await temp.git('rev-list', '--parents', '-n', '1', result.commit)).toBe(
      `${result.commit} ${a} ${b}`,
    );
    expect(await temp.git('status', '--porcelain')).toBe('');
    expect(await temp.git('rev-parse', 'HEAD')).toBe(base);
  });

  it('fast-forwards when one source already contains the other', async () => {
    await using temp = await createTempRepo();
    const first = await temp.git('rev-parse', 'HEAD');
    await temp.write({ 'later.txt': 'x\n' });
    const second = await temp.commitAll('later');
    const repo = await openRepo(temp.dir);
    expect(
      await mergeCommits(
        repo,
        [
          { label: 'old', commit: first },
          { label: 'new', commit: second },
        ],
        { message: (l) => l },
      ),
    ).toEqual({
      status: 'merged',
      commit: second,
      resolved: [],
    });
    expect(
      await mergeCommits(
        repo,
        [
          { label: 'new', commit: second },
          { label: 'old', commit: first },
        ],
        { message: (l) => l },
      ),
    ).toEqual({ status: 'merged', commit: second, resolved: [] });
  });

  it('reports a conflict with the files and the sources involved', async () => {
    await using temp = await createTempRepo({ 'shared.txt': 'base\n', 'other.txt': 'o\n' });
    const base = await temp.git('rev-parse', 'HEAD');
    const commits: string[] = [];
    for (const [branch, text] of [
      ['x', 'from x\n'],
      ['y', 'from y\n'],
    ] as const) {
      await temp.git('checkout', '--quiet', '-b', branch, base);
      await temp.write({ 'shared.txt': text, 'other.txt': text });
      commits.push(await temp.commitAll(branch));
      await temp.git('checkout', '--quiet', 'main');
    }
    const repo = await openRepo(temp.dir);
    const result = await mergeCommits(
      repo,
      [
        { label: 'x', commit: commits[0] ?? '' },
        { label: 'y', commit: commits[1] ?? '' },
      ],
      { message: (l) => l },
    );
    expect(result).toEqual({
      status: 'conflict',
      files: ['other.txt', 'shared.txt'],
      sources: ['x', 'y'],
    });
  });
});

describe('repository setup', () => {
  it('excludes .subplan/ through info/exclude once, leaving .gitignore alone', async () => {
    await using temp = await createTempRepo({ '.gitignore': 'node_modules/\n' });
    const repo = await openRepo(temp.dir);
    await excludeStateDir(repo);
    await excludeStateDir(repo);
    await temp.write({ '.subplan/runs/x/state.json': '{}' });
    expect(await temp.git('status', '--porcelain')).toBe('');
    expect(await temp.git('show', 'HEAD:.gitignore')).toBe('node_modules/');
    const exclude = await temp.git('rev-parse', '--git-path', 'info/exclude');
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(`${temp.dir}/${exclude}`, 'utf8');
    expect(text.split('\n').filter((l) => l === '/.subplan/')).toHaveLength(1);
  });

  it('commits what the agent left and returns the base when nothing changed', async () => {
    await using temp = await createTempRepo();
    const repo = await openRepo(temp.dir);
    const head = await temp.git('rev-parse', 'HEAD');
    expect(await commitChanges(repo, { worktree: temp.dir, message: 'nothing' })).toBe(head);
    await temp.write({ 'new.txt': 'n\n' });
    const commit = await commitChanges(repo, { worktree: temp.dir, message: 'agent work' });
    expect(commit).not.toBe(head);
    expect(await temp.git('log', '-1', '--format=%s', commit)).toBe('agent work');
  });
});
