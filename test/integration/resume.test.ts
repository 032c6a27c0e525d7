import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/ensure-built.js';
import { acquireRunLock, readRunState, runPaths } from '../../src/state/index.js';
import { isRunning, waitForExit } from '../helpers/processes.js';
import { runSubplan } from '../helpers/run-cli.js';
import { WAIT_MS, waitUntil } from '../helpers/wait.js';
import { createTempRepo } from '../helpers/temp-repo.js';
import type { TempRepo } from '../helpers/temp-repo.js';

const root = new URL('../../', import.meta.url).pathname;

/** Tests that wait for a run in the middle: room for their waits and the runs around them. */
const WAITING_TEST_MS = 240_000;

/** Waits until the agent of `task` has recorded itself in COUNTER: it really runs. */
async function waitForAgent(counter: string, task: string): Promise<void> {
  await waitUntil(`the agent of ${task} to start`, async () => {
    const text = await readFile(counter, 'utf8').catch(() => '');
    return text.split('\n').slice(0, -1).includes(task) || undefined;
  });
}

/**
 * Agent: records its task in COUNTER, writes out/<task>.txt, and when its task is the GATE task
 * waits until the file RELEASE exists, so a test can stop a run while that task is running.
 */
const AGENT = `
const fs = require('node:fs');
const [counter, gate, release, task] = process.argv.slice(1);
fs.appendFileSync(counter, task + '\\n');
const finish = () => { fs.mkdirSync('out', { recursive: true }); fs.writeFileSync('out/' + task + '.txt', task + '\\n'); };
if (task !== gate) finish();
else { const wait = () => fs.existsSync(release) ? finish() : setTimeout(wait, 20); wait(); }
`;

async function writePlan(
  repo: TempRepo,
  extraPrompt = '',
  gate = 'c',
): Promise<{ counter: string; release: string }> {
  await mkdir(join(repo.dir, '.subplan'), { recursive: true });
  const counter = join(repo.dir, '.subplan', 'test-counter');
  const release = join(repo.dir, '.subplan', 'test-release');
  const command = `[${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(AGENT)}, ${JSON.stringify(counter)}, ${JSON.stringify(gate)}, ${JSON.stringify(release)}, "{subplan}"]`;
  await writeFile(
    join(repo.dir, 'plan.yaml'),
    [
      'version: 1',
      'max_parallel: 2',
      `agent: { command: ${command} }`,
      'phases:',
      '  - { id: a, prompt: "first" }',
      `  - { id: b, prompt: "second${extraPrompt}" }`,
      '  - { id: c, prompt: "gated", depends_on: [a] }',
      '  - { id: d, prompt: "last", depends_on: [b, c] }',
    ].join('\n'),
  );
  return { counter, release };
}

async function waitForState(
  repo: TempRepo,
  runIdPrefix: string | undefined,
  ready: (tasks: Map<string, string>) => boolean,
): Promise<string> {
  const runs = join(repo.dir, '.subplan', 'runs');
  return waitUntil('the run to reach the expected state', async () => {
    const ids = await readdir(runs).catch(() => []);
    const runId = ids.find((id) => runIdPrefix === undefined || id.startsWith(runIdPrefix));
    if (runId === undefined) return undefined;
    const read = await readRunState(runPaths(repo.dir, runId));
    return read.ok && ready(new Map(read.state.tasks.map((t) => [t.id, t.status])))
      ? runId
      : undefined;
  });
}

async function resultTree(repo: TempRepo, branch: string): Promise<string> {
  return repo.git('rev-parse', `${branch}^{tree}`);
}

beforeAll(ensureBuilt, 120_000);

describe('resume', { timeout: WAITING_TEST_MS }, () => {
  it('after Ctrl-C finishes the run without re-running finished tasks, with the same result as an uninterrupted run', async () => {
    await using repo = await createTempRepo();
    const { counter, release } = await writePlan(repo);
    const controller = new AbortController();
    const first = runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      signal: controller.signal,
    });
    const runId = await waitForState(
      repo,
      undefined,
      (t) => t.get('c') === 'running' && t.get('b') === 'succeeded',
    );
    // Stop only once c's agent really runs (it records itself first thing).
    await waitForAgent(counter, 'c');
    controller.abort();
    const stopped = await first;
    expect(stopped.exitCode).toBe(130);

    await writeFile(release, 'go');
    const resumed = await runSubplan(['resume', runId.slice(0, 18), '--json'], { cwd: repo.dir });
    expect(resumed.stderr).not.toContain('internal error');
    expect(resumed.exitCode).toBe(0);
    const resumedEvent = resumed.events.find((e) => e.type === 'run-resumed');
    expect(resumedEvent?.type === 'run-resumed' && resumedEvent.kept).toEqual(['a', 'b']);
    expect((await readFile(counter, 'utf8')).split('\n').filter(Boolean).sort()).toEqual([
      'a',
      'b',
      'c',
      'c',
      'd',
    ]);

    // The same plan run without interruption gives the same tree.
    await appendFile(counter, '');
    const clean = await runSubplan(['run', 'plan.yaml', '--no-cache', '--json'], { cwd: repo.dir });
    expect(clean.exitCode).toBe(0);
    expect(await resultTree(repo, resumed.summary?.result_branch ?? '')).toBe(
      await resultTree(repo, clean.summary?.result_branch ?? ''),
    );
  });

  it.each([
    ['the coordinator alone', false],
    ["the coordinator's whole process group", true],
  ])('after kill -9 of %s kills the orphaned agent and completes', async (_what, wholeGroup) => {
    await using repo = await createTempRepo();
    const { counter, release } = await writePlan(repo);
    // detached: the coordinator leads its own process group, as a shell job would.
    const coordinator = execa(
      process.execPath,
      [join(root, 'bin', 'subplan.js'), 'run', 'plan.yaml'],
      { cwd: repo.dir, reject: false, detached: wholeGroup },
    );
    const runId = await waitForState(repo, undefined, (t) => t.get('c') === 'running');
    const orphan = await waitUntil("c's pid in the state", async () => {
      const read = await readRunState(runPaths(repo.dir, runId));
      return read.ok ? (read.state.tasks.find((t) => t.id === 'c')?.pid ?? undefined) : undefined;
    });
    await waitForAgent(counter, 'c');
    if (wholeGroup) process.kill(-(coordinator.pid ?? 0), 'SIGKILL');
    else coordinator.kill('SIGKILL');
    await coordinator;
    expect(isRunning(orphan)).toBe(true);

    await writeFile(release, 'go');
    const resumed = await runSubplan(['resume', runId, '--json'], { cwd: repo.dir });
    expect(resumed.exitCode).toBe(0);
    expect(await waitForExit(orphan, WAIT_MS)).toBe(true);
    const counts = (await readFile(counter, 'utf8')).split('\n').filter(Boolean);
    expect(counts.filter((t) => t === 'a')).toHaveLength(1);
    expect(counts.filter((t) => t === 'd')).toHaveLength(1);
    expect(resumed.summary?.tasks.every((t) => t.status === 'succeeded')).toBe(true);
  });

  it('refuses a changed plan unless told, and then re-runs only what changed', async () => {
    await using repo = await createTempRepo();
    // d, the last task, is held at its gate, so the run is certainly unfinished when stopped.
    const { counter, release } = await writePlan(repo, '', 'd');
    const controller = new AbortController();
    await writeFile(join(repo.dir, '.subplan-placeholder'), '');
    const first = runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      signal: controller.signal,
    });
    const runId = await waitForState(repo, undefined, (t) => t.get('d') === 'running');
    await waitForAgent(counter, 'd');
    controller.abort();
    expect((await first).exitCode).toBe(130);
    await writePlan(repo, ' (changed)', 'd');
    const refused = await runSubplan(['resume', runId], { cwd: repo.dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('phases changed: b');
    const before = (await readFile(counter, 'utf8')).split('\n').filter(Boolean);
    await writeFile(release, 'go');
    const allowed = await runSubplan(['resume', runId, '--allow-plan-mismatch', '--json'], {
      cwd: repo.dir,
    });
    expect(allowed.exitCode).toBe(0);
    const rerun = (await readFile(counter, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .slice(before.length);
    expect(rerun).toContain('b');
    expect(rerun).not.toContain('a');
  });

  it('refuses to resume a run another live process holds', async () => {
    await using repo = await createTempRepo();
    await writePlan(repo);
    const { release } = await writePlan(repo);
    await writeFile(release, 'go');
    const done = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    const runId = done.summary?.run_id ?? '';
    const lock = await acquireRunLock(runPaths(repo.dir, runId).runDir, runId);
    try {
      const second = await runSubplan(['resume', runId], { cwd: repo.dir });
      expect(second.exitCode).toBe(2);
    } finally {
      await lock.release();
    }
  });

  it('moves an unreadable state file aside, says how to go on, and rebuilds it from the events when told', async () => {
    await using repo = await createTempRepo();
    const { counter, release } = await writePlan(repo);
    const controller = new AbortController();
    const first = runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      signal: controller.signal,
    });
    const runId = await waitForState(
      repo,
      undefined,
      (t) => t.get('b') === 'succeeded' && t.get('c') === 'running',
    );
    await waitForAgent(counter, 'c');
    controller.abort();
    await first;
    const paths = runPaths(repo.dir, runId);
    const text = await readFile(paths.stateFile, 'utf8');
    await writeFile(paths.stateFile, text.slice(0, text.length / 2));
    const refused = await runSubplan(['resume', runId], { cwd: repo.dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('state.json.corrupt-');
    expect(refused.stderr).toContain('--reset-state');
    expect(existsSync(paths.stateFile)).toBe(false);
    await writeFile(release, 'go');
    const rebuilt = await runSubplan(['resume', runId, '--reset-state', '--json'], {
      cwd: repo.dir,
    });
    expect(rebuilt.exitCode).toBe(0);
    const resumedEvent = rebuilt.events.find((e) => e.type === 'run-resumed');
    expect(resumedEvent?.type === 'run-resumed' && resumedEvent.kept).toEqual(['a', 'b']);
  });
});

describe('the result cache', () => {
  it('serves a second identical run without running any agent, and --no-cache runs them all', async () => {
    await using repo = await createTempRepo();
    const { counter, release } = await writePlan(repo);
    await writeFile(release, 'go');
    const first = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(first.exitCode).toBe(0);
    const agentsAfterFirst = (await readFile(counter, 'utf8')).split('\n').filter(Boolean).length;
    expect(agentsAfterFirst).toBe(4);

    const second = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(second.exitCode).toBe(0);
    expect((await readFile(counter, 'utf8')).split('\n').filter(Boolean)).toHaveLength(4);
    expect(second.summary?.tasks.filter((t) => t.kind === 'agent').map((t) => t.cached)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(await resultTree(repo, second.summary?.result_branch ?? '')).toBe(
      await resultTree(repo, first.summary?.result_branch ?? ''),
    );
    expect(await repo.git('for-each-ref', '--format=%(refname)', 'refs/subplan/cache/')).not.toBe(
      '',
    );

    const third = await runSubplan(['run', 'plan.yaml', '--no-cache', '--json'], { cwd: repo.dir });
    expect(third.exitCode).toBe(0);
    expect((await readFile(counter, 'utf8')).split('\n').filter(Boolean)).toHaveLength(8);
    expect(third.summary?.tasks.some((t) => t.cached)).toBe(false);
  });
});

describe('resume after kill -9 between merges', { timeout: WAITING_TEST_MS }, () => {
  it('redoes only what the merges had not finished, with the same result tree', async () => {
    await using repo = await createTempRepo();
    // d starts from d.base (b and c merged); gating d stops the run after that merge, before result.
    const { counter, release } = await writePlan(repo, '', 'd');
    const coordinator = execa(
      process.execPath,
      [join(root, 'bin', 'subplan.js'), 'run', 'plan.yaml'],
      { cwd: repo.dir, reject: false },
    );
    const runId = await waitForState(
      repo,
      undefined,
      (t) => t.get('d.base') === 'succeeded' && t.get('d') === 'running',
    );
    await waitForAgent(counter, 'd');
    coordinator.kill('SIGKILL');
    await coordinator;
    await writeFile(release, 'go');
    const resumed = await runSubplan(['resume', runId, '--json'], { cwd: repo.dir });
    expect(resumed.exitCode).toBe(0);
    const resumedEvent = resumed.events.find((e) => e.type === 'run-resumed');
    expect(resumedEvent?.type === 'run-resumed' && resumedEvent.kept).toEqual([
      'a',
      'b',
      'c',
      'd.base',
    ]);
    const counts = (await readFile(counter, 'utf8')).split('\n').filter(Boolean).sort();
    expect(counts).toEqual(['a', 'b', 'c', 'd', 'd']);
    const clean = await runSubplan(['run', 'plan.yaml', '--no-cache', '--json'], { cwd: repo.dir });
    expect(await resultTree(repo, resumed.summary?.result_branch ?? '')).toBe(
      await resultTree(repo, clean.summary?.result_branch ?? ''),
    );
  });
});

describe('a merge conflict resolved by hand', () => {
  it('is picked up by resume from the merge branch', async () => {
    await using repo = await createTempRepo({ 'shared.txt': 'base\n' });
    const write = (text: string) =>
      `[${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(`require('node:fs').writeFileSync('shared.txt', '${text}\\n')`)}]`;
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: left, prompt: l, agent: { command: ${write('left')} } }`,
        `  - { id: right, prompt: r, agent: { command: ${write('right')} } }`,
      ].join('\n'),
    );
    const conflicted = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(conflicted.exitCode).toBe(3);
    const runId = conflicted.summary?.run_id ?? '';
    const resultBranch = `subplan/${runId}/result`;
    expect(conflicted.summary?.tasks.find((t) => t.id === 'result')?.branch).toBe(resultBranch);

    // What a person does: merge the sources on the merge's branch, resolve, commit.
    await repo.git('switch', '--quiet', '-c', resultBranch, `subplan/${runId}/left`);
    await repo.git('merge', '--quiet', `subplan/${runId}/right`).catch(() => undefined);
    await writeFile(join(repo.dir, 'shared.txt'), 'left and right\n');
    await repo.git('commit', '--quiet', '-am', 'resolve');
    await repo.git('switch', '--quiet', 'main');

    const resumed = await runSubplan(['resume', runId, '--json'], { cwd: repo.dir });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.summary?.result_branch).toBe(resultBranch);
    expect(await repo.git('show', `${resultBranch}:shared.txt`)).toBe('left and right');
  });
});

describe('resume after a crash inside a merge', () => {
  it.each([
    ['after the branch was updated', false],
    ['before the branch was updated', true],
  ])(
    'finishes with the same tree when the record ends inside the merge, %s',
    async (_when, dropBranch) => {
      await using repo = await createTempRepo();
      const { release } = await writePlan(repo);
      await writeFile(release, 'go');
      const done = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
      expect(done.exitCode).toBe(0);
      const runId = done.summary?.run_id ?? '';
      const expected = await resultTree(repo, done.summary?.result_branch ?? '');
      // Leave the record exactly as a kill inside the result merge would: it ends at merge-started.
      const paths = runPaths(repo.dir, runId);
      const lines = (await readFile(paths.eventsFile, 'utf8')).split('\n').filter(Boolean);
      const cut = lines.findIndex(
        (line) => line.includes('"type":"merge-started"') && line.includes('"task":"result"'),
      );
      await writeFile(paths.eventsFile, `${lines.slice(0, cut + 1).join('\n')}\n`);
      await rm(paths.stateFile);
      if (dropBranch) await repo.git('update-ref', '-d', `refs/heads/subplan/${runId}/result`);

      const resumed = await runSubplan(['resume', runId, '--json'], { cwd: repo.dir });
      expect(resumed.exitCode).toBe(0);
      const resumedEvent = resumed.events.find((e) => e.type === 'run-resumed');
      expect(resumedEvent?.type === 'run-resumed' && resumedEvent.rerun).toEqual(['result']);
      expect(await resultTree(repo, resumed.summary?.result_branch ?? '')).toBe(expected);
    },
  );
});
