import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PiscinaExecutor } from '../../src/execute/index.js';
import { loadPlan } from '../../src/plan/index.js';
import { runPlan } from '../../src/run/index.js';
import { waitForExit } from '../helpers/processes.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo, fixtureAgentYaml } from '../helpers/temp-repo.js';

const agent = fixtureAgentYaml;

const failingGitDir = dirname(new URL('../fixtures/git/git', import.meta.url).pathname);

/** Runs `action` with `dir` first on this process's PATH, where the coordinator finds git. */
async function withPathFirst<T>(dir: string, action: () => Promise<T>): Promise<T> {
  const saved = process.env['PATH'];
  process.env['REAL_GIT'] = execFileSync('sh', ['-c', 'command -v git'], {
    encoding: 'utf8',
  }).trim();
  process.env['PATH'] = `${dir}:${saved ?? ''}`;
  try {
    return await action();
  } finally {
    process.env['PATH'] = saved;
    delete process.env['REAL_GIT'];
  }
}

describe('faults', () => {
  it('a git that fails mid-merge fails the merge task with git’s message, and resume finishes it', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: a, prompt: x, agent: ${agent('write-files.mjs', 'a.txt=a')} }`,
        `  - { id: b, prompt: x, agent: ${agent('write-files.mjs', 'b.txt=b')} }`,
      ].join('\n'),
    );
    const broken = await withPathFirst(failingGitDir, () =>
      runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir }),
    );
    expect(broken.exitCode).toBe(1);
    const merge = broken.summary?.tasks.find((t) => t.id === 'result');
    expect(merge?.status).toBe('failed');
    expect(merge?.reason).toMatch(/git merge-tree .* failed: fatal: unable to read tree/);
    expect(broken.summary?.tasks.filter((t) => t.status === 'succeeded').map((t) => t.id)).toEqual([
      'a',
      'b',
    ]);

    const resumed = await runSubplan(['resume', broken.summary?.run_id ?? '', '--json'], {
      cwd: repo.dir,
    });
    expect(resumed.exitCode).toBe(0);
    const branch = resumed.summary?.result_branch ?? '';
    expect(await repo.git('ls-tree', '--name-only', branch)).toBe('README.md\na.txt\nb.txt');
  });
});

describe('a worker thread that dies', () => {
  it('fails its task with the reason, kills its agent, and the run goes on to the end', async () => {
    await using repo = await createTempRepo();
    const planFile = join(repo.dir, 'plan.yaml');
    await writeFile(
      planFile,
      [
        'version: 1',
        'phases:',
        `  - { id: exit-thread, prompt: x, agent: ${agent('sleep-forever.mjs')} }`,
        `  - { id: throw-in-thread, prompt: x, agent: ${agent('sleep-forever.mjs')} }`,
        `  - { id: fine, prompt: x, agent: ${agent('write-files.mjs', 'fine.txt=ok')} }`,
      ].join('\n'),
    );
    const executor = new PiscinaExecutor({
      maxParallel: 1,
      workerFile: new URL('../fixtures/workers/dying-worker.mjs', import.meta.url),
    });
    const agents: number[] = [];
    try {
      const summary = await runPlan({
        plan: await loadPlan(planFile),
        repoDir: repo.dir,
        env: process.env,
        maxParallel: 1,
        executor,
        onEvent: (event) => {
          if (event.type === 'agent-spawned') agents.push(event.pid);
        },
      });
      const byId = Object.fromEntries(summary.tasks.map((t) => [t.id, t]));
      expect(summary.status).toBe('failed');
      expect(byId['fine']?.status).toBe('succeeded');
      for (const id of ['exit-thread', 'throw-in-thread']) {
        expect(byId[id]?.status).toBe('failed');
        expect(byId[id]?.reason).toMatch(/^the worker running this task failed: /);
      }
      expect(byId['throw-in-thread']?.reason).toContain('uncaught in the worker thread');
      expect(agents).toHaveLength(3);
      for (const pid of agents) expect(await waitForExit(pid)).toBe(true);
      // The dead threads' tasks left the concurrency count: one at a time is still one.
      expect(summary.peak_concurrency).toBe(1);
      expect(executor.runningCount()).toBe(0);
    } finally {
      await executor.close();
    }
  });
});

/** Mounts a tmpfs of `size` at `dir`; false where this process may not mount (not root). */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('a full disk', () => {
  // Short lines fill the events file about as fast as the log; one long line fills the log first
  // (events keep 2,000 characters of each line). Either way the run stops, and nothing failed.
  // The chatty agent then waits while the filler exists, so it is still running when the disk
  // fills however slowly the machine drains its output; once resumed (filler gone) it ends.
  it.for([
    ['short lines', String(60 * 1024), 'lines'],
    ['one long line', String(200 * 1024), 'no-newline'],
  ])(
    'stops the run with exit 4 and a message saying so, and the run resumes once there is room (%s)',
    async ([, ...flood], context) => {
      await using repo = await createTempRepo();
      const runsDir = join(repo.dir, '.subplan', 'runs');
      await mkdir(runsDir, { recursive: true });
      if (!mountTmpfs(runsDir, '1m')) {
        context.skip();
        return;
      }
      try {
        // Leaves about 100 KB: less than the chatty agent's output events need.
        const filler = join(runsDir, 'filler');
        await writeFile(filler, Buffer.alloc(900 * 1024));
        await writeFile(
          join(repo.dir, 'plan.yaml'),
          [
            'version: 1',
            'phases:',
            `  - { id: small, prompt: x, agent: ${agent('write-files.mjs', 'small.txt=ok')} }`,
            `  - { id: chatty, prompt: x, depends_on: [small], agent: ${agent('flood-output.mjs', ...flood, filler)} }`,
          ].join('\n'),
        );
        const full = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
        expect(full.exitCode).toBe(4);
        expect(full.stderr).toMatch(
          /run (\S+) stopped: its record in .* could not be written \(ENOSPC: no space left on device.*\)\. Agents were stopped; free space, then run `subplan resume \1` to go on/,
        );
        const runId = /run (\S+) stopped/.exec(full.stderr)?.[1] ?? '';
        // The agent whose output filled the disk was stopped as part of an interruption, not failed.
        const chatty = full.events.find((e) => e.type === 'task-finished' && e.task === 'chatty');
        expect(chatty?.type === 'task-finished' && chatty.outcome).toEqual({
          status: 'cancelled',
          reason: 'interrupted',
        });

        await rm(filler);
        const resumed = await runSubplan(['resume', runId, '--json'], { cwd: repo.dir });
        expect(resumed.exitCode).toBe(0);
        expect(resumed.summary?.tasks.map((t) => [t.id, t.status])).toEqual([
          ['small', 'succeeded'],
          ['chatty', 'succeeded'],
          ['result', 'succeeded'],
        ]);
      } finally {
        execFileSync('umount', ['--lazy', runsDir]);
      }
    },
  );
});

describe('a log that meets a full disk', () => {
  it('stops the run (exit 4) instead of failing the agent, and resume runs it again', async () => {
    await using repo = await createTempRepo();
    const go = join(repo.dir, '.subplan', 'go');
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: talker, prompt: x, agent: ${agent('fail-after-file.mjs', go, '0')} }`,
      ].join('\n'),
    );
    // Interrupted while its agent waits, so that the resumed run opens the same log again.
    const controller = new AbortController();
    const first = runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      signal: controller.signal,
    });
    const runsDir = join(repo.dir, '.subplan', 'runs');
    const log = async () => {
      const [runId] = await readdir(runsDir).catch(() => [] as string[]);
      return runId === undefined ? undefined : join(runsDir, runId, 'logs', 'talker.log');
    };
    for (;;) {
      const path = await log();
      if (path !== undefined && (await stat(path).catch(() => undefined))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort();
    expect((await first).exitCode).toBe(130);
    const logPath = (await log()) ?? '';
    const runId = logPath.split('/').at(-3) ?? '';

    // Every write to /dev/full fails with ENOSPC, while the run's events still have room.
    await rm(logPath);
    await symlink('/dev/full', logPath);
    await writeFile(go, 'go');
    const full = await runSubplan(['resume', runId, '--json'], { cwd: repo.dir });
    expect(full.exitCode).toBe(4);
    expect(full.stderr).toMatch(
      /could not be written \(ENOSPC: no space left on device, write \(the log of task talker\)\)\. Agents were stopped; free space, then run `subplan resume/,
    );
    const talker = full.events.find((e) => e.type === 'task-finished' && e.task === 'talker');
    expect(talker?.type === 'task-finished' && talker.outcome).toEqual({
      status: 'cancelled',
      reason: 'interrupted',
    });

    await rm(logPath);
    const resumed = await runSubplan(['resume', runId, '--json'], { cwd: repo.dir });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.summary?.tasks.map((t) => [t.id, t.status])).toEqual([
      ['talker', 'succeeded'],
      ['result', 'succeeded'],
    ]);
  });
});
