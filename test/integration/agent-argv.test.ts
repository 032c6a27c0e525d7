import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempDir, createTempRepo, fixtureAgent } from '../helpers/temp-repo.js';

const node = process.execPath;

describe('agent argv', () => {
  it('passes prompts and file names full of shell syntax as exact arguments, never through a shell', async () => {
    await using traps = await createTempDir('subplan-traps-');
    const trap = (n: number) => join(traps.dir, `pwned-${n}`);
    const prompt = [
      `it's "quoted" $(touch ${trap(1)}) \`touch ${trap(2)}\`; touch ${trap(3)}`,
      `| touch ${trap(4)} && touch ${trap(5)} || touch ${trap(6)} & touch ${trap(7)}`,
      `touch ${trap(8)}`,
      `> ${trap(9)} < /dev/null 2>&1 $HOME \${HOME} ~ * ? [a] \\ \\n '\\''`,
      '{files} {phase} {prompt} {files_file} {nope} --flag -- "" \'\'',
      '',
    ].join('\n');
    // File names are the repository's, not the plan author's: they get the same treatment.
    const hostileNames = [
      'src/$(touch pwned).ts',
      'src/a b.ts',
      'src/;touch pwned.ts',
      'src/`id`.ts',
      "src/it's.ts",
    ];
    await using repo = await createTempRepo(
      Object.fromEntries(hostileNames.map((name) => [name, 'x\n'])),
    );
    const template = [
      node,
      fixtureAgent('write-argv.mjs'),
      'out/argv.json',
      '--prompt',
      '{prompt}',
      '{files}',
      '--files={files}',
      'pre-{phase}-{subplan}-post',
      '{nope}',
      '{prompt}{phase}',
    ];
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        `agent: { command: ${JSON.stringify(template)} }`,
        'phases:',
        `  - id: p`,
        `    prompt: ${JSON.stringify(prompt)}`,
        `    files: ["src/**"]`,
        '',
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.stderr).not.toContain('internal error');
    expect(result.exitCode).toBe(0);
    const branch = result.summary?.result_branch ?? 'missing';
    const received = JSON.parse(await repo.git('show', `${branch}:out/argv.json`)) as string[];
    const files = [...hostileNames].sort();
    expect(received).toEqual([
      '--prompt',
      prompt,
      ...files,
      `--files=${files.join(' ')}`,
      'pre-p-p-post',
      '{nope}',
      `${prompt}p`,
    ]);
    expect(await readdir(traps.dir)).toEqual([]);
    expect(existsSync(join(repo.dir, 'pwned'))).toBe(false);
    // Nothing but the agent's own output was added in its worktree.
    const tree = await repo.git('ls-tree', '-r', '--name-only', '-z', branch);
    expect(tree.split('\0').filter(Boolean).sort()).toEqual(
      ['out/argv.json', ...hostileNames].sort(),
    );
  });
});
