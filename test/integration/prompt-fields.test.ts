import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempDir, createTempRepo } from '../helpers/temp-repo.js';

const node = JSON.stringify(process.execPath);

describe('template fields in a prompt', () => {
  it('are filled in before the prompt reaches a command or a module agent', async () => {
    await using repo = await createTempRepo({ 'src/a.ts': 'a\n', 'src/b.ts': 'b\n' });
    await using outside = await createTempDir();
    const module = join(outside.dir, 'agent.mjs');
    await writeFile(
      module,
      "import { writeFileSync } from 'node:fs';\nimport { join } from 'node:path';\nexport default async ({ worktree, prompt }) => writeFileSync(join(worktree, 'module.txt'), prompt);\n",
    );
    const write = `require('node:fs').writeFileSync('command.txt', process.argv[1])`;
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - id: cmd`,
        `    prompt: 'Files: {files} in {phase}/{subplan}; {prompt} and {other} stay'`,
        `    files: ['src/**']`,
        `    agent: { command: [${node}, -e, ${JSON.stringify(write)}, '{prompt}'] }`,
        `  - id: mod`,
        `    prompt: 'Files: {files} in {phase}'`,
        `    files: ['src/a.ts']`,
        `    agent: { module: ${JSON.stringify(module)} }`,
      ].join('\n'),
    );
    const run = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(run.exitCode).toBe(0);
    const result = run.summary?.result_branch ?? '';
    expect(await repo.git('show', `${result}:command.txt`)).toBe(
      'Files: src/a.ts src/b.ts in cmd/cmd; {prompt} and {other} stay',
    );
    expect(await repo.git('show', `${result}:module.txt`)).toBe('Files: src/a.ts in mod');
  });
});
