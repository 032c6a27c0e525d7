/** Runs whose agents go to `subplan worker` processes through Redis, and faults among them. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Given, Then, When } from '@cucumber/cucumber';
import { execa } from 'execa';
import type { AgentJobResult } from '../src/distributed/index.js';
import { publishLateResult } from '../test/helpers/late-result.js';
import { check } from '../features/support/check.js';
import { clusterFlags, clusterOf, startCluster } from '../features/support/cluster.js';
import { splitArgs } from '../features/support/world.js';
import type { SubplanWorld } from '../features/support/world.js';

/** The index of the worker each scenario killed. */
const killed = new WeakMap<SubplanWorld, number>();

// Workers that keep a silent worker's tasks for 30 s: one starved of CPU on a loaded machine does
// not see its tasks run a second time elsewhere.
Given(
  'a Redis server, a shared git remote and {int} workers taking {int} tasks each',
  async function (this: SubplanWorld, workers: number, concurrency: number) {
    await startCluster(this, { workers, concurrency });
  },
);

// For scenarios that kill a worker and wait for its tasks to be re-delivered.
Given(
  'a Redis server, a shared git remote and {int} workers taking {int} tasks each, which give the tasks of a worker silent for {int} seconds to another',
  async function (this: SubplanWorld, workers: number, concurrency: number, seconds: number) {
    await startCluster(this, { workers, concurrency, stallTimeoutMs: seconds * 1000 });
  },
);

When(
  'I run subplan on the workers with {string}',
  async function (this: SubplanWorld, command: string) {
    await this.run([...splitArgs(this.expand(command)), ...clusterFlags(clusterOf(this))]);
  },
);

When(
  'I start subplan on the workers with {string}',
  function (this: SubplanWorld, command: string) {
    const cluster = clusterOf(this);
    cluster.running = this.run([...splitArgs(this.expand(command)), ...clusterFlags(cluster)]);
  },
);

When('the run has finished', async function (this: SubplanWorld) {
  const cluster = clusterOf(this);
  check(cluster.running, 'no run was started on the workers');
  await cluster.running;
  cluster.running = undefined;
});

When(
  'the worker that started {string} is killed with kill -9',
  async function (this: SubplanWorld, task: string) {
    const { workers } = clusterOf(this);
    const victim = await workers.waitFor(` ${task}: started`, 60_000);
    await workers.kill(victim);
    killed.set(this, victim);
  },
);

When(
  'the coordinator has taken the result of {string}',
  async function (this: SubplanWorld, task: string) {
    const deadline = Date.now() + 60_000;
    // The task's branch is set in the repository only once its result was accepted and fetched.
    for (;;) {
      const refs = await execa(
        'git',
        ['for-each-ref', '--format=%(refname)', `refs/heads/subplan/*/${task}`],
        {
          cwd: this.repo.dir,
        },
      );
      if (refs.stdout.trim() !== '') return;
      check(Date.now() < deadline, `no branch for ${task} appeared`);
      await sleep(50);
    }
  },
);

When(
  'a second result for {string} arrives from another worker',
  async function (this: SubplanWorld, task: string) {
    const cluster = clusterOf(this);
    const runId = this.latestRunId();
    // What a worker that was presumed dead would publish on finishing the same job after all.
    const late: AgentJobResult = {
      runId,
      taskId: task,
      attempt: 1,
      queuedAt: Date.now(),
      delivery: 'late',
      host: 'presumed-dead',
      result: {
        outcome: { status: 'failed', reason: 'exit-non-zero', exitCode: 1, message: 'late' },
        startedAt: 0,
        finishedAt: 0,
      },
      resultRef: null,
    };
    await publishLateResult(cluster.redis.socketPath, late);
  },
);

When('I create the file {string}', async function (this: SubplanWorld, path: string) {
  await writeFile(this.expand(path), 'go\n');
});

Then('{string} was started again by another worker', function (this: SubplanWorld, task: string) {
  const { workers } = clusterOf(this);
  const victim = killed.get(this);
  check(victim !== undefined, 'no worker was killed');
  const others = workers.list.filter(
    (worker, index) => index !== victim && worker.stderr().includes(` ${task}: started`),
  );
  assert.equal(others.length, 1, `${task} should have been re-delivered to one other worker`);
});

Then('more than one worker ran agents', function (this: SubplanWorld) {
  const busy = clusterOf(this).workers.list.filter((w) => w.stderr().includes(': succeeded'));
  check(busy.length > 1, `only ${busy.length} worker ran agents`);
});

Then(
  'the result branch has {string} for every agent task',
  async function (this: SubplanWorld, template: string) {
    const branch = this.summary.result_branch;
    check(branch, 'the run has no result branch');
    const listed = await execa('git', ['ls-tree', '-r', '--name-only', branch], {
      cwd: this.repo.dir,
    });
    const files = listed.stdout.split('\n');
    const agents = this.summary.tasks.filter((task) => task.kind === 'agent');
    check(agents.length > 0, 'the run had no agent tasks');
    const missing = agents
      .map((task) => template.replaceAll('{subplan}', task.id))
      .filter((path) => !files.includes(path));
    assert.deepEqual(missing, [], 'missing on the result branch');
  },
);
