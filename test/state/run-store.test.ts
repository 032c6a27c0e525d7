import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLockedError } from '../../src/core/index.js';
import {
  acquireRunLock,
  readEventLog,
  readRunState,
  runPaths,
  stateFromEvents,
} from '../../src/state/index.js';
import type { RunState } from '../../src/state/index.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo } from '../helpers/temp-repo.js';

describe('the run store', () => {
  it('keeps state.json equal to the state rebuilt from events.ndjson, and status and list read it', async () => {
    await using repo = await createTempRepo({ 'a.ts': 'a\n', 'b.ts': 'b\n' });
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'agent: { preset: demo }',
        'phases:',
        '  - { id: one, prompt: x, files: [a.ts] }',
        '  - { id: two, prompt: y, files: [b.ts], depends_on: [one] }',
      ].join('\n'),
    );
    const run = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(run.exitCode).toBe(0);
    const runId = run.summary?.run_id ?? '';
    const paths = runPaths(repo.dir, runId);
    const onDisk = JSON.parse(await readFile(paths.stateFile, 'utf8')) as RunState;
    const events = readEventLog(paths.eventsFile);
    expect(onDisk).toEqual({ ...stateFromEvents(events), events_applied: events.length });
    expect(onDisk.status).toBe('succeeded');
    expect(onDisk.tasks.map((t) => [t.id, t.status, t.attempts])).toEqual([
      ['one', 'succeeded', 1],
      ['two', 'succeeded', 1],
      ['result', 'succeeded', 1],
    ]);
    for (const event of readEventLog(paths.eventsFile)) {
      expect(event).toMatchObject({
        run_id: runId,
        ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      });
    }

    const before = await readFile(paths.stateFile, 'utf8');
    const status = await runSubplan(['status', runId.slice(0, 17), '--json'], { cwd: repo.dir });
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      schema_version: 1,
      alive: true,
      running: 0,
      state: { run_id: runId, status: 'succeeded' },
    });
    expect(await readFile(paths.stateFile, 'utf8')).toBe(before);

    const list = await runSubplan(['list', '--json'], { cwd: repo.dir });
    expect(JSON.parse(list.stdout)).toEqual([
      {
        run_id: runId,
        plan: 'plan',
        status: 'succeeded',
        alive: true,
        started_at: onDisk.started_at,
        finished_at: onDisk.finished_at,
      },
    ]);
  });

  it('folds the events a lagging state.json has not seen, so a reader misses none', async () => {
    await using repo = await createTempRepo({ 'a.ts': 'a\n' });
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      ['version: 1', 'agent: { preset: demo }', 'phases:', '  - { id: one, prompt: x }'].join('\n'),
    );
    const run = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    const paths = runPaths(repo.dir, run.summary?.run_id ?? '');
    const events = readEventLog(paths.eventsFile);
    // The state file as a crash could leave it: written when the run had only just started.
    const started = events.findIndex((event) => event.type === 'run-started') + 1;
    const early = { ...stateFromEvents(events.slice(0, started)), events_applied: started };
    await writeFile(paths.stateFile, JSON.stringify(early));
    const read = await readRunState(paths);
    expect(read.ok && read.state.status).toBe('succeeded');
    expect(read.ok && read.state.tasks.map((t) => t.status)).toEqual(['succeeded', 'succeeded']);
    const status = await runSubplan(['status', '--json'], { cwd: repo.dir });
    expect(JSON.parse(status.stdout)).toMatchObject({ state: { status: 'succeeded' } });
  });

  it('lets one process own a run and names the holder to the next', async () => {
    await using repo = await createTempRepo();
    const paths = runPaths(repo.dir, 'r1');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(paths.runDir, { recursive: true });
    const lock = await acquireRunLock(paths.runDir, 'r1');
    const second = acquireRunLock(paths.runDir, 'r1');
    await expect(second).rejects.toBeInstanceOf(RunLockedError);
    await expect(second).rejects.toMatchObject({ holderPid: process.pid, exitCode: 2 });
    await lock.release();
    const again = await acquireRunLock(paths.runDir, 'r1');
    await again.release();
  });

  it('reports a run it cannot find with exit 2', async () => {
    await using repo = await createTempRepo();
    const status = await runSubplan(['status'], { cwd: repo.dir });
    expect(status.exitCode).toBe(2);
    expect(status.stderr).toContain('has no runs yet');
  });
});

describe('subplan clean', () => {
  it("removes a finished run's worktrees, branches and record, and leaves a held run alone", async () => {
    const { mkdir: makeDir } = await import('node:fs/promises');
    const { existsSync } = await import('node:fs');
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: bad, prompt: x, agent: { command: [${JSON.stringify(process.execPath)}, "-e", "process.exit(5)"] } }`,
        '  - { id: good, prompt: y, agent: { preset: demo } }',
      ].join('\n'),
    );
    const failed = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(failed.exitCode).toBe(1);
    const runId = failed.summary?.run_id ?? '';
    expect(await repo.git('worktree', 'list')).toContain(`.subplan/worktrees/${runId}/`);

    const held = runPaths(repo.dir, 'r-held');
    await makeDir(held.runDir, { recursive: true });
    const lock = await acquireRunLock(held.runDir, 'r-held');
    try {
      const cleaned = await runSubplan(['clean', '--all', '--json'], { cwd: repo.dir });
      expect(cleaned.exitCode).toBe(0);
      const result = JSON.parse(cleaned.stdout) as {
        cleaned: { run_id: string }[];
        skipped: { run_id: string }[];
      };
      expect(result.cleaned.map((c) => c.run_id)).toEqual([runId]);
      expect(result.skipped.map((s) => s.run_id)).toEqual(['r-held']);
    } finally {
      await lock.release();
    }
    expect(await repo.git('branch', '--list', `subplan/${runId}/*`)).toBe('');
    expect(await repo.git('worktree', 'list')).not.toContain('.subplan/worktrees');
    expect(existsSync(runPaths(repo.dir, runId).runDir)).toBe(false);
    expect(existsSync(held.runDir)).toBe(true);
    expect(await repo.git('status', '--porcelain')).toBe('?? plan.yaml');
  });
});
