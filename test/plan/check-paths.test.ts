import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPathProblem } from '../../src/plan/index.js';
import { symlinkProblem, symlinksLeavingRepo } from '../../src/plan/check-symlinks.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo } from '../helpers/temp-repo.js';

describe('repoPathProblem', () => {
  it.each([
    '../x',
    'src/../../x',
    '..',
    'a/..',
    '\\.\\./x',
    '[.][.]/x',
    '.{.,}/x',
    '@(..)/x',
    'src\\..\\x',
  ])('refuses %s as leaving the repository', (value) => {
    expect(repoPathProblem(value, 'glob')).toMatch(/leaves the repository/);
  });

  it.each(['/etc/passwd', '\\\\server\\share', 'C:\\x', 'c:/x'])('refuses absolute %s', (value) => {
    expect(repoPathProblem(value, 'path')).toBe(
      `path \`${value}\` is absolute; paths are relative to the repository root`,
    );
  });

  it.each(['src/**', '.*', '.github/**', '**/*.ts', 'a..b', '...', '??', 'x/.?', '~/x', 'a/./b'])(
    'accepts %s',
    (value) => {
      expect(repoPathProblem(value, 'glob')).toBeUndefined();
    },
  );
});

describe('symlinks that leave the repository', () => {
  const root = '/repo';
  const links = [
    { path: 'up', target: '../outside' },
    { path: 'etc', target: '/etc' },
    { path: 'self', target: '/repo/src' },
    { path: 'src/ok', target: '../docs/a.md' },
    { path: 'hooks', target: '.git/hooks' },
    { path: 'via', target: 'up/deeper' },
    { path: 'dir/chain', target: '../self/../../x' },
    { path: 'loop-a', target: 'loop-b' },
    { path: 'loop-b', target: 'loop-a' },
    { path: 'fine-chain', target: 'self/x.ts' },
  ];
  const leaving = symlinksLeavingRepo(links, root);

  it('resolves targets like the filesystem, through chains, and finds the ones that leave', () => {
    expect([...leaving.keys()]).toEqual([
      'dir/chain',
      'etc',
      'hooks',
      'loop-a',
      'loop-b',
      'up',
      'via',
    ]);
  });

  it('names the glob, the link and its target', () => {
    expect(symlinkProblem('up/**', leaving, 'glob')).toBe(
      'glob `up/**` reaches `up`, a symlink that leads outside the repository (to `../outside`)',
    );
    expect(symlinkProblem('**', leaving, 'glob')).toMatch(/reaches `dir\/chain`/);
    expect(symlinkProblem('etc/passwd', leaving, 'glob')).toMatch(/reaches `etc`/);
    expect(symlinkProblem('dir/*', leaving, 'glob')).toMatch(/reaches `dir\/chain`/);
    expect(symlinkProblem('src/**', leaving, 'glob')).toBeUndefined();
    expect(symlinkProblem('self/**', leaving, 'glob')).toBeUndefined();
    expect(symlinkProblem('fine-chain', leaving, 'glob')).toBeUndefined();
  });
});

describe('globs against the repository', () => {
  it('validate, plan and run refuse a glob that reaches a symlink leading out, at its position, and write nothing', async () => {
    await using repo = await createTempRepo({ 'src/a.ts': 'a\n', 'docs/a.md': 'a\n' });
    await mkdir(join(repo.dir, 'vendor'));
    await symlink('../../outside', join(repo.dir, 'vendor', 'lib'));
    await symlink('/etc/passwd', join(repo.dir, 'docs', 'passwd.md'));
    await symlink('../src', join(repo.dir, 'docs', 'src-link'));
    await repo.commitAll('links');
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'agent: { preset: demo }',
        'phases:',
        '  - id: a',
        '    prompt: x',
        '    files: ["src/**", "vendor/lib/**", "docs/*.md"]',
        '  - id: b',
        '    prompt: y',
        '    files: ["docs/src-link/**", "src/*.ts"]',
        '',
      ].join('\n'),
    );
    for (const command of [['validate'], ['plan'], ['run']]) {
      const result = await runSubplan([...command, 'plan.yaml'], { cwd: repo.dir });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe(
        [
          'plan.yaml:6:23: glob `vendor/lib/**` reaches `vendor/lib`, a symlink that leads outside the repository (to `../../outside`)',
          'plan.yaml:6:40: glob `docs/*.md` reaches `docs/passwd.md`, a symlink that leads outside the repository (to `/etc/passwd`)',
          '',
        ].join('\n'),
      );
      expect(existsSync(join(repo.dir, '.subplan'))).toBe(false);
    }
  });

  it('checks the links at the plan base, so a link added later does not matter yet', async () => {
    await using repo = await createTempRepo({ 'src/a.ts': 'a\n' });
    const base = await repo.git('rev-parse', 'HEAD');
    await symlink('/etc', join(repo.dir, 'src', 'etc'));
    await repo.commitAll('a link');
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      `version: 1\nbase: ${base}\nagent: { preset: demo }\nphases: [{ id: a, prompt: x, files: ["src/**"] }]\n`,
    );
    const atBase = await runSubplan(['validate', 'plan.yaml'], { cwd: repo.dir });
    expect(atBase.stderr).toBe('plan.yaml: ok (1 phase)\n');
    expect(atBase.exitCode).toBe(0);
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      `version: 1\nagent: { preset: demo }\nphases: [{ id: a, prompt: x, files: ["src/**"] }]\n`,
    );
    const atHead = await runSubplan(['validate', 'plan.yaml'], { cwd: repo.dir });
    expect(atHead.exitCode).toBe(2);
    expect(atHead.stderr).toMatch(/^plan\.yaml:3:38: glob `src\/\*\*` reaches `src\/etc`/);
  });
});
