import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempDir, createTempRepo } from '../helpers/temp-repo.js';

/** Lines an agent appended to COUNTER: one per agent that really ran. */
async function runsIn(counter: string): Promise<string[]> {
  return (await readFile(counter, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

const node = JSON.stringify(process.execPath);

describe('the result cache and verify gates', () => {
  it('does not reuse a result whose verify gate failed', async () => {
    await using repo = await createTempRepo();
    await using outside = await createTempDir();
    const counter = join(outside.dir, 'counter');
    const pass = join(outside.dir, 'pass');
    const agent = `require('node:fs').appendFileSync(${JSON.stringify(counter)}, 'ran\\n'); require('node:fs').writeFileSync('out.txt', 'x\\n')`;
    const verify = `process.exit(require('node:fs').existsSync(${JSON.stringify(pass)}) ? 0 : 1)`;
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        `agent: { command: [${node}, -e, ${JSON.stringify(agent)}] }`,
        'phases:',
        `  - { id: a, prompt: p, verify: [[${node}, -e, ${JSON.stringify(verify)}]] }`,
      ].join('\n'),
    );
    const failed = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(failed.exitCode).toBe(1);
    expect(await runsIn(counter)).toHaveLength(1);

    await writeFile(pass, '');
    const runId = failed.summary?.run_id ?? '';
    const resumed = await runSubplan(['resume', runId, '--json'], { cwd: repo.dir });
    expect(resumed.exitCode).toBe(0);
    expect(await runsIn(counter)).toHaveLength(2);
    expect(resumed.summary?.tasks.find((t) => t.id === 'a')?.cached).toBeFalsy();

    // Once the gate passed, the result is cached like any other.
    const again = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(again.exitCode).toBe(0);
    expect(await runsIn(counter)).toHaveLength(2);
    expect(again.summary?.tasks.find((t) => t.id === 'a')?.cached).toBe(true);
  });
});
