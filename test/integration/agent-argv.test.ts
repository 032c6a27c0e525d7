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
    // Known fields in the prompt are filled in too (the prompt itself is never one of them);
    // everything else in it arrives as written.
    const filesFile = join(repo.dir, '.subplan', 'runs', result.summary?.run_id ?? '', 'files');
    const expanded = prompt
      .replace('{files}', files.join(' '))
      .replace('{phase}', 'p')
      .replace('{files_file}', join(filesFile, 'p.txt'));
    expect(received).toEqual([
      '--prompt',
      expanded,
      ...files,
      `--files=${files.join(' ')}`,
      'pre-p-p-post',
      '{nope}',
      `${expanded}p`,
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

describe('files of a phase with dependencies', () => {
  it('come from the merged result of its dependencies, which may add them', async () => {
    await using repo = await createTempRepo({ 'src/old.ts': 'x\n' });
    const writeArgv = [node, fixtureAgent('write-argv.mjs'), 'out/{phase}.json', '{files}'];
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        `agent: { command: ${JSON.stringify(writeArgv)} }`,
        'phases:',
        '  - id: make',
        '    prompt: add a file',
        '    files: ["src/old.ts"]',
        `    agent: { command: ${JSON.stringify([node, fixtureAgent('write-files.mjs'), 'src/new.ts=made'])} }`,
        '  - { id: use, prompt: use it, depends_on: [make], files: ["src/new.ts"] }',
        '  - { id: none, prompt: nothing, depends_on: [make], files: ["src/missing/**"] }',
        '',
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.exitCode).toBe(0);
    const branch = result.summary?.result_branch ?? 'missing';
    expect(JSON.parse(await repo.git('show', `${branch}:out/use.json`))).toEqual(['src/new.ts']);
    expect(JSON.parse(await repo.git('show', `${branch}:out/none.json`))).toEqual([]);
    const warnings = result.events.flatMap((e) =>
      e.type === 'warning' ? [`${e.task ?? ''}: ${e.message}`] : [],
    );
    // Nothing is said up front about `use`, whose file its dependency adds; `none` hears once its
    // start is known that its globs match nothing there.
    expect(warnings.filter((w) => w.includes('match no file'))).toEqual([
      "none: phase `none`: its files (src/missing/**) match no file of its dependencies' merged result; its agent gets an empty file list",
    ]);
  });
});
