import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { runPaths } from '../../src/state/index.js';
import { MemoryStream } from '../helpers/memory-stream.js';
import { runSubplan } from '../helpers/run-cli.js';
import { WAIT_MS, waitUntil } from '../helpers/wait.js';
import { createTempRepo } from '../helpers/temp-repo.js';

/** Prints "first", waits for RELEASE, prints "second" on stderr and "third". */
const AGENT = `
const fs = require('node:fs');
console.log('first');
const wait = () => fs.existsSync(process.argv[1]) ? (console.error('second'), console.log('third')) : setTimeout(wait, 20);
wait();
`;

// Room for three waits of WAIT_MS each and the run around them.
describe('subplan logs', { timeout: 4 * WAIT_MS }, () => {
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
    let runId = '';
    await waitUntil('the run directory', async () => {
      runId = (await readdir(runs).catch(() => []))[0] ?? '';
      return runId !== '';
    });
    // Follow once the agent has printed its first line: by then the run has its record and its
    // lock holder, so the follower can tell that the run goes on.
    const log = runPaths(repo.dir, runId).logFile('talk');
    await waitUntil('the first line in the log', async () =>
      (await readFile(log, 'utf8').catch(() => '')).includes('first\n'),
    );
    // The follower runs in-process like runSubplan, but its output is read while it follows.
    const followOut = new MemoryStream();
    const followErr = new MemoryStream();
    let followEnded = false;
    const followed = runCli({
      argv: ['logs', runId, 'talk', '--follow'],
      cwd: repo.dir,
      env: process.env,
      stdout: followOut,
      stderr: followErr,
    }).finally(() => {
      followEnded = true;
    });
    // Release the agent only once the follower has printed what there was: the rest must reach it
    // while it follows, not from a finished log. (A follower that ends early fails the checks
    // below rather than this wait.)
    await waitUntil(
      'the follower to print the first line',
      () => followEnded || followOut.text.includes('first\n'),
    );
    await writeFile(release, 'go');
    const [finished, followExit] = await Promise.all([run, followed]);
    expect(finished.exitCode).toBe(0);
    expect(followErr.text).toBe('');
    expect(followExit).toBe(0);
    // stdout and stderr are separate pipes: order holds within each, not across them.
    const lines = (text: string) => text.split('\n').filter(Boolean);
    expect(lines(followOut.text).filter((l) => !l.startsWith('[stderr]'))).toEqual([
      'first',
      'third',
    ]);
    expect(lines(followOut.text)).toContain('[stderr] second');

    const whole = await runSubplan(['logs', runId.slice(0, 18), 'talk'], { cwd: repo.dir });
    expect(whole.stdout).toBe(followOut.text);
    const missing = await runSubplan(['logs', runId, 'nope'], { cwd: repo.dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('has no task `nope`; its agent tasks: talk');
  });
});
