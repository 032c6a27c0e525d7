import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqExecutor, parseRedisTarget } from '../../src/distributed/index.js';
import type { AgentJobResult } from '../../src/distributed/index.js';
import { openRepo } from '../../src/git/index.js';
import { createBarrier } from '../helpers/barrier.js';
import { PROJECT_ROOT, ensureBuilt } from '../helpers/ensure-built.js';
import { readPids, waitForExit } from '../helpers/processes.js';
import { publishLateResult } from '../helpers/late-result.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempDir, createTempRepo, fixtureAgent } from '../helpers/temp-repo.js';
import { startWorkers } from '../helpers/workers.js';
import type { Workers } from '../helpers/workers.js';

const node = process.execPath;
let redis: RedisServer;
let workers: Workers;
let shared: string;

beforeAll(async () => {
  await ensureBuilt();
  redis = await startRedis();
  shared = await mkdtemp(join(tmpdir(), 'subplan-remote-'));
  workers = await startWorkers({ count: 3, redis: redis.socketPath, concurrency: 4 });
});

afterAll(async () => {
  await workers[Symbol.asyncDispose]();
  await redis[Symbol.asyncDispose]();
  await rm(shared, { recursive: true, force: true });
});

async function bareRemote(name: string): Promise<string> {
  const dir = join(shared, `${name}.git`);
  await execa('git', ['init', '--quiet', '--bare', dir]);
  return dir;
}

function distributed(remote: string, socketPath = redis.socketPath): string[] {
  return ['--executor', 'bullmq', '--redis', socketPath, '--remote', remote];
}

function agentLine(argv: readonly string[]): string {
  return `  command: [${argv.map((arg) => JSON.stringify(arg)).join(', ')}]`;
}

describe('the BullMQ executor with three workers', () => {
  it('reaches max_parallel exactly across workers, never more, and merges all fifteen subplans', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 15 }, (_, i) => [`mod${String(i + 1).padStart(2, '0')}/a.ts`, 'x\n']),
    );
    await using repo = await createTempRepo(files);
    await using barrier = await createBarrier({ target: 10, total: 15 });
    const remote = await bareRemote('fifteen');
    const plan = [
      'version: 1',
      'max_parallel: 10',
      'agent:',
      agentLine([
        node,
        fixtureAgent('barrier.mjs'),
        barrier.socketPath,
        '{subplan}',
        'out/{subplan}.txt',
      ]),
      'decompose: { max_files_per_subplan: 1, min_files_per_subplan: 1, max_children: 16 }',
      'phases:',
      '  - { id: api, prompt: "work", files: ["mod*/**"], decompose: true }',
    ].join('\n');
    await writeFile(join(repo.dir, 'plan.yaml'), plan);
    const result = await runSubplan(['run', 'plan.yaml', '--json', ...distributed(remote)], {
      cwd: repo.dir,
    });
    expect(result.stderr).not.toContain('internal error');
    const agents = result.summary?.tasks.filter((t) => t.kind === 'agent') ?? [];
    expect(
      agents.map((t) => `${t.id}: ${t.status}`).filter((s) => !s.endsWith('succeeded')),
    ).toEqual([]);
    expect(agents).toHaveLength(15);
    expect(result.exitCode).toBe(0);
    expect(barrier.timedOut).toBe(false);
    expect(barrier.peakHeld).toBe(10);
    expect(result.summary?.peak_concurrency).toBe(10);
    expect(result.summary?.peak_concurrency_events).toBe(10);
    // More than one machine did the work.
    const busy = workers.list.filter((w) => w.stderr().includes(': succeeded'));
    expect(busy.length).toBeGreaterThan(1);
    const merged = await repo.git(
      'ls-tree',
      '-r',
      '--name-only',
      result.summary?.result_branch ?? 'missing',
      'out',
    );
    expect(merged.split('\n')).toHaveLength(15);
  });

  it('accepts exactly one result per job: a second one for a finished job is ignored', async () => {
    await using repo = await createTempRepo();
    const remote = await bareRemote('duplicate');
    const duplicates: string[] = [];
    const executor = new BullmqExecutor({
      redis: parseRedisTarget(redis.socketPath),
      remote,
      maxParallel: 2,
      onDuplicate: ({ jobId }) => duplicates.push(jobId),
    });
    try {
      const local = await openRepo(repo.dir);
      const base = (await repo.git('rev-parse', 'HEAD')).trim();
      const logFile = join(repo.dir, '.subplan', 'dup.log');
      const result = await executor.runAgentTask({
        runId: 'dup-run',
        taskId: 'a',
        phase: 'a',
        prompt: 'p',
        repo: { root: local.root, commonDir: local.commonDir, config: local.config },
        worktree: join(repo.dir, 'unused'),
        branch: 'subplan/dup-run/a',
        baseCommit: base,
        argvTemplate: [node, fixtureAgent('write-files.mjs'), 'a.txt=first'],
        files: [],
        filesFile: join(repo.dir, '.subplan', 'files.txt'),
        env: {},
        logFile,
        commitMessage: 'a',
      });
      expect(result.outcome.status).toBe('succeeded');
      const commit = result.outcome.status === 'succeeded' ? result.outcome.commit : '';
      expect((await repo.git('rev-parse', 'subplan/dup-run/a')).trim()).toBe(commit);
      expect(await repo.git('show', `${commit}:a.txt`)).toBe('first');
      // The lines the agent printed reached the coordinator's log.
      expect(existsSync(logFile)).toBe(true);

      // A late worker's completion of the same job, as BullMQ would publish it.
      const forged: AgentJobResult = {
        runId: 'dup-run',
        taskId: 'a',
        attempt: 1,
        queuedAt: Date.now(),
        delivery: 'forged',
        host: 'elsewhere',
        result: {
          outcome: { status: 'succeeded', commit: base },
          startedAt: 0,
          finishedAt: 0,
        },
        resultRef: 'refs/none',
      };
      await publishLateResult(redis.socketPath, forged);
      const deadline = Date.now() + 10_000;
      while (duplicates.length === 0 && Date.now() < deadline) await sleep(20);
      expect(duplicates).toEqual(['dup-run:a:1']);
      expect(executor.duplicateResults()).toBe(1);
      // The accepted result stands.
      expect((await repo.git('rev-parse', 'subplan/dup-run/a')).trim()).toBe(commit);
    } finally {
      await executor.close();
    }
  });

  it('a later session does not take an earlier job that did different work', async () => {
    await using repo = await createTempRepo();
    const remote = await bareRemote('changed');
    const local = await openRepo(repo.dir);
    const base = (await repo.git('rev-parse', 'HEAD')).trim();
    const request = (content: string) => ({
      runId: 'changed-run',
      taskId: 'a',
      phase: 'a',
      prompt: `write ${content}`,
      repo: { root: local.root, commonDir: local.commonDir, config: local.config },
      worktree: join(repo.dir, 'unused'),
      branch: 'subplan/changed-run/a',
      baseCommit: base,
      argvTemplate: [node, fixtureAgent('write-files.mjs'), `a.txt=${content}`],
      files: [],
      filesFile: join(repo.dir, '.subplan', 'files.txt'),
      env: {},
      logFile: join(repo.dir, '.subplan', 'a.log'),
      commitMessage: 'a',
    });
    const contentOf = async (session: BullmqExecutor, content: string) => {
      try {
        const result = await session.runAgentTask(request(content));
        if (result.outcome.status !== 'succeeded') return result.outcome.status;
        return await repo.git('show', `${result.outcome.commit}:a.txt`);
      } finally {
        await session.close();
      }
    };
    const options = { redis: parseRedisTarget(redis.socketPath), remote, maxParallel: 1 };
    expect(await contentOf(new BullmqExecutor(options), 'old')).toBe('old');
    // A resumed session with a changed phase: same job id, different work.
    expect(await contentOf(new BullmqExecutor(options), 'new')).toBe('new');
  });

  it('fail-fast reaches a remote worker and kills its agent', async () => {
    await using repo = await createTempRepo();
    const remote = await bareRemote('cancel');
    await using scratch = await createTempDir('subplan-cancel-');
    const pidFile = join(scratch.dir, 'slow.pid');
    const plan = [
      'version: 1',
      'max_parallel: 2',
      'phases:',
      '  - id: slow',
      '    prompt: "never ends"',
      '    agent:',
      `    ${agentLine([node, fixtureAgent('sleep-forever.mjs'), pidFile])}`,
      '  - id: broken',
      '    prompt: "fails once slow runs"',
      '    agent:',
      `    ${agentLine([node, fixtureAgent('fail-after-file.mjs'), pidFile])}`,
    ].join('\n');
    await writeFile(join(repo.dir, 'plan.yaml'), plan);
    const result = await runSubplan(
      ['run', 'plan.yaml', '--json', '--fail-fast', ...distributed(remote)],
      { cwd: repo.dir },
    );
    expect(result.exitCode).toBe(1);
    const status = Object.fromEntries(result.summary?.tasks.map((t) => [t.id, t.status]) ?? []);
    expect(status['broken']).toBe('failed');
    expect(status['slow']).toBe('cancelled');
    const [pid] = await readPids(pidFile);
    expect(await waitForExit(pid ?? 0, 10_000)).toBe(true);
  });

  it('Ctrl-C on the coordinator kills the agent on the worker', async () => {
    await using repo = await createTempRepo();
    const remote = await bareRemote('interrupt');
    await using scratch = await createTempDir('subplan-interrupt-');
    const pidFile = join(scratch.dir, 'agent.pid');
    const plan = [
      'version: 1',
      'max_parallel: 1',
      'agent:',
      agentLine([node, fixtureAgent('sleep-forever.mjs'), pidFile]),
      'phases:',
      '  - { id: forever, prompt: "never ends" }',
    ].join('\n');
    await writeFile(join(repo.dir, 'plan.yaml'), plan);
    const controller = new AbortController();
    const running = runSubplan(['run', 'plan.yaml', '--json', ...distributed(remote)], {
      cwd: repo.dir,
      signal: controller.signal,
    });
    const [pid] = await readPids(pidFile);
    controller.abort('SIGINT');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(result.summary?.tasks.find((t) => t.id === 'forever')?.status).toBe('cancelled');
    expect(await waitForExit(pid ?? 0, 10_000)).toBe(true);
  });

  it('resumes a run interrupted with Ctrl-C: the earlier cancel does not cancel it again', async () => {
    await using repo = await createTempRepo();
    const remote = await bareRemote('interrupt-resume');
    await using scratch = await createTempDir('subplan-interrupt-resume-');
    const go = join(scratch.dir, 'go');
    const plan = [
      'version: 1',
      'max_parallel: 1',
      'agent:',
      agentLine([node, fixtureAgent('fail-after-file.mjs'), go, '0']),
      'phases:',
      '  - { id: waits-for-go, prompt: "waits until the test says go" }',
    ].join('\n');
    await writeFile(join(repo.dir, 'plan.yaml'), plan);
    const controller = new AbortController();
    const running = runSubplan(['run', 'plan.yaml', '--json', ...distributed(remote)], {
      cwd: repo.dir,
      signal: controller.signal,
    });
    await workers.waitFor(' waits-for-go: started');
    controller.abort('SIGINT');
    const interrupted = await running;
    expect(interrupted.exitCode).toBe(130);
    await writeFile(go, 'go\n');
    const runId = interrupted.summary?.run_id ?? 'missing';
    const resumed = await runSubplan(['resume', runId, '--json', ...distributed(remote)], {
      cwd: repo.dir,
    });
    expect(resumed.stderr).not.toContain('internal error');
    expect(resumed.summary?.tasks.find((t) => t.id === 'waits-for-go')?.status).toBe('succeeded');
    expect(resumed.exitCode).toBe(0);
  });

  it('re-delivers the task of a worker killed mid-task, and the run completes', async () => {
    // Workers of its own, on a Redis of its own: only they give up on a silent worker after 6 s
    // (the shared workers wait 30 s, so that a worker starved of CPU keeps its jobs).
    await using killableRedis = await startRedis();
    await using killable = await startWorkers({
      count: 3,
      redis: killableRedis.socketPath,
      concurrency: 4,
      stallTimeoutMs: 6000,
    });
    await using repo = await createTempRepo();
    const remote = await bareRemote('killed');
    await using scratch = await createTempDir('subplan-killed-');
    // "two" waits for <scratch>/release-two, created only once its worker is dead: it cannot
    // finish on that worker first, so it is re-delivered for certain.
    const plan = [
      'version: 1',
      'max_parallel: 3',
      'agent:',
      agentLine([node, fixtureAgent('counted.mjs'), scratch.dir, '{phase}', '{prompt}', 'two']),
      'phases:',
      '  - { id: one, prompt: "one" }',
      '  - { id: two, prompt: "two" }',
      '  - { id: three, prompt: "three" }',
    ].join('\n');
    await writeFile(join(repo.dir, 'plan.yaml'), plan);
    const running = runSubplan(
      ['run', 'plan.yaml', '--json', ...distributed(remote, killableRedis.socketPath)],
      { cwd: repo.dir },
    );
    const marker = ' two: started';
    const victim = await killable.waitFor(marker);
    await killable.kill(victim);
    await writeFile(join(scratch.dir, 'release-two'), 'go\n');
    const result = await running;
    expect(result.stderr).not.toContain('internal error');
    expect(result.exitCode).toBe(0);
    expect(result.summary?.tasks.filter((t) => t.status === 'succeeded')).toHaveLength(4);
    // Another worker ran the task again after BullMQ found it stalled.
    const others = killable.list.filter((w, i) => i !== victim && w.stderr().includes(marker));
    expect(others).toHaveLength(1);
    const merged = await repo.git('ls-tree', '-r', '--name-only', 'HEAD', '--', '.');
    expect(merged).toContain('README.md');
    const out = await repo.git(
      'ls-tree',
      '-r',
      '--name-only',
      result.summary?.result_branch ?? 'missing',
      'out',
    );
    expect(out.split('\n').sort()).toEqual(['out/one.txt', 'out/three.txt', 'out/two.txt']);
  });
});

describe('a coordinator that crashed', () => {
  it('resumes by attaching to the jobs it had enqueued instead of running them again', async () => {
    await using repo = await createTempRepo();
    const remote = await bareRemote('crash');
    const plan = [
      'version: 1',
      'max_parallel: 2',
      'agent:',
      agentLine([node, fixtureAgent('sleep.mjs'), '1500', '{phase}']),
      'phases:',
      '  - { id: first, prompt: "first" }',
      '  - { id: second, prompt: "second" }',
    ].join('\n');
    await writeFile(join(repo.dir, 'plan.yaml'), plan);
    const coordinator = execa(
      node,
      [join(PROJECT_ROOT, 'bin', 'subplan.js'), 'run', 'plan.yaml', ...distributed(remote)],
      { cwd: repo.dir, reject: false },
    );
    await workers.waitFor(' second: started');
    await workers.waitFor(' first: started');
    coordinator.kill('SIGKILL');
    await coordinator;
    const [runId] = readdirSync(join(repo.dir, '.subplan', 'runs'));
    const result = await runSubplan(
      ['resume', runId ?? 'missing', '--json', ...distributed(remote)],
      { cwd: repo.dir },
    );
    expect(result.stderr).not.toContain('internal error');
    expect(result.exitCode).toBe(0);
    const done = await repo.git(
      'ls-tree',
      '-r',
      '--name-only',
      result.summary?.result_branch ?? 'missing',
      'done',
    );
    expect(done.split('\n').sort()).toEqual(['done/first', 'done/second']);
    // Each task ran once, on whichever worker took it first.
    for (const task of ['first', 'second']) {
      const starts = workers.list
        .map((w) => w.stderr().split(`${runId ?? ''} ${task}: started`).length - 1)
        .reduce((a, b) => a + b, 0);
      expect(starts).toBe(1);
    }
  });
});

describe('the BullMQ executor without Redis', () => {
  it('exits 2 with a clear message and creates no run', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      'version: 1\nagent: { command: ["true"] }\nphases:\n  - { id: a, prompt: "a" }\n',
    );
    const remote = await bareRemote('unreachable');
    const result = await runSubplan(
      [
        'run',
        'plan.yaml',
        '--executor',
        'bullmq',
        '--redis',
        join(shared, 'no-such.sock'),
        '--remote',
        remote,
      ],
      { cwd: repo.dir },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('cannot reach Redis at');
    expect(existsSync(join(repo.dir, '.subplan', 'runs'))).toBe(false);
  });
});
