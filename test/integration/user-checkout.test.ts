import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo, fixtureAgentYaml } from '../helpers/temp-repo.js';
import type { TempRepo } from '../helpers/temp-repo.js';

const agent = fixtureAgentYaml;

/** Everything a person sees of their checkout, byte for byte. */
async function checkoutSnapshot(repo: TempRepo) {
  return {
    head: await repo.git('rev-parse', 'HEAD'),
    branch: await repo.git('symbolic-ref', 'HEAD'),
    status: await repo.git('status', '--porcelain=v1', '--untracked-files=all'),
    diff: await repo.git('diff', '--binary'),
    staged: await repo.git('diff', '--cached', '--binary'),
    files: {
      tracked: await readFile(join(repo.dir, 'tracked.txt'), 'utf8'),
      staged: await readFile(join(repo.dir, 'staged.txt'), 'utf8'),
      untracked: await readFile(join(repo.dir, 'untracked.txt'), 'utf8'),
    },
  };
}

describe("the user's checkout", () => {
  it('is byte-identical after a run whose agents commit a lot, and a dirty one gets a warning', async () => {
    await using repo = await createTempRepo({
      'tracked.txt': 'committed\n',
      'staged.txt': 'committed\n',
    });
    const commits = Array.from(
      { length: 5 },
      (_, i) => `commit --quiet --allow-empty -m agent-${i}`,
    );
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'max_parallel: 3',
        'phases:',
        ...['a', 'b', 'c'].map(
          (id) => `  - { id: ${id}, prompt: x, agent: ${agent('git-commands.mjs', ...commits)} }`,
        ),
        `  - { id: d, prompt: x, depends_on: [a, b, c], agent: ${agent('write-files.mjs', 'tracked.txt=from the agent\\n', 'staged.txt=from the agent\\n', 'untracked.txt=from the agent\\n')} }`,
      ].join('\n'),
    );
    await repo.write({ 'tracked.txt': 'modified, not staged\n', 'staged.txt': 'staged\n' });
    await repo.git('add', 'staged.txt');
    await repo.write({ 'untracked.txt': 'untracked\n' });
    const before = await checkoutSnapshot(repo);

    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });

    expect(result.exitCode).toBe(0);
    expect(await checkoutSnapshot(repo)).toEqual(before);
    // The run started from the commit, not from the files on disk.
    const resultBranch = result.summary?.result_branch ?? '';
    expect(await repo.git('rev-list', '--count', `${before.head}..${resultBranch}`)).not.toBe('0');
    expect(await repo.git('show', `${resultBranch}:tracked.txt`)).toBe('from the agent');
    expect(
      result.events.some(
        (e) => e.type === 'warning' && e.message.includes('your checkout has uncommitted changes'),
      ),
    ).toBe(true);
  });
});
