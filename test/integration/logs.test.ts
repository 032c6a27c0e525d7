import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo } from '../helpers/temp-repo.js';

/** Prints "first", waits for RELEASE, prints "second" on stderr and "third". */
const AGENT = `
const fs = require('node:fs');
console.log('first');
const wait = () => fs.existsSync(process.argv[1]) ? (console.error('second'), console.log('third')) : setTimeout(wait, 20);
wait();
`;

describe('subplan logs', () => {
  it("prints a task's log, and --follow streams it until the task ends", async () => {
    await using repo = await createTempRepo();
    await mkdir(join(repo.dir, '.subplan'), { recursive: true });
    const release = join(repo.dir, '.subplan', 'test-release');
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: talk, prompt: x, agent: { command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(AGENT)}, ${JSON.stringify(release)}] } }`,
      ].join('\n'),
    );
    const run = runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    const runs = join(repo.dir, '.subplan', 'runs');
    while (!existsSync(runs)) await sleep(20);
    const { readdir } = await import('node:fs/promises');
    let runId = '';
    while (runId === '') runId = (await readdir(runs))[0] ?? '';
    const followed = runSubplan(['logs', runId, 'talk', '--follow'], { cwd: repo.dir });
    await sleep(300);
    await writeFile(release, 'go');
    const [finished, follow] = await Promise.all([run, followed]);
    expect(finished.exitCode).toBe(0);
    expect(follow.exitCode).toBe(0);
    // stdout and stderr are separate pipes: order holds within each, not across them.
    const lines = (text: string) => text.split('\n').filter(Boolean);
    expect(lines(follow.stdout).filter((l) => !l.startsWith('[stderr]'))).toEqual([
      'first',
      'third',
    ]);
    expect(lines(follow.stdout)).toContain('[stderr] second');

    const whole = await runSubplan(['logs', runId.slice(0, 18), 'talk'], { cwd: repo.dir });
    expect(whole.stdout).toBe(follow.stdout);
    const missing = await runSubplan(['logs', runId, 'nope'], { cwd: repo.dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('has no task `nope`; its agent tasks: talk');
  });
});
