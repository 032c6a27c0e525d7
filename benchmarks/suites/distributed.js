// 200 short agent tasks (the agent is `true`) through the built CLI, side by side in one run:
// the local executor (Piscina) against the BullMQ executor with 4 `subplan worker` processes on
// this host, a private redis-server on a unix socket and a bare repository as the shared remote.
// Same plan, same max_parallel. Figures: makespan, throughput, the median task as measured where
// it ran, and the slot time per task (makespan × max_parallel / tasks), whose difference from the
// median task is what dispatching costs per task (queue, transport, base push, result fetch).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createOneFileLeavesRepo } from '../fixtures/one-file-leaves.js';
import { formatTable, median, round } from '../lib/measure.js';

export const name = 'distributed';
export const description =
  '200 short tasks: local executor vs BullMQ with 4 workers on Redis (throughput, per-task overhead)';

const TASKS = 200;
const WORKERS = 4;
const MAX_PARALLEL = 8;
const bin = fileURLToPath(new URL('../../bin/subplan.js', import.meta.url));

/** @param {string} dir */
function createRepo(dir) {
  return createOneFileLeavesRepo(dir, { files: TASKS, folders: 20, maxParallel: MAX_PARALLEL });
}

/** @param {string} dir */
async function startRedis(dir) {
  const socket = join(dir, 'r.sock');
  const server = execa(
    '/usr/bin/redis-server',
    ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', dir],
    { reject: false, stdio: 'ignore' },
  );
  while (!existsSync(socket)) {
    if (server.exitCode !== null) throw new Error('redis-server did not start');
    await sleep(10);
  }
  return { socket, server };
}

/** @param {string} redis @param {string} dir */
async function startWorkers(redis, dir) {
  const workers = [];
  for (let i = 0; i < WORKERS; i++) {
    const child = execa(
      process.execPath,
      [
        bin,
        'worker',
        '--redis',
        redis,
        '--concurrency',
        String(MAX_PARALLEL / WORKERS),
        '--workdir',
        join(dir, `w${i}`),
      ],
      { reject: false, stdin: 'ignore', stdout: 'ignore', cleanup: true },
    );
    let said = '';
    child.stderr?.on('data', (chunk) => (said += String(chunk)));
    workers.push({ child, ready: () => said.includes('ready') });
  }
  while (!workers.every((w) => w.ready())) {
    if (workers.some((w) => w.child.exitCode !== null)) throw new Error('a worker did not start');
    await sleep(20);
  }
  return workers;
}

/** @param {string} repo @param {string[]} extra */
async function runPlan(repo, extra) {
  const start = performance.now();
  const result = await execa(
    process.execPath,
    [bin, 'run', 'plan.yaml', '--json', '--no-cache', ...extra],
    { cwd: repo, reject: false },
  );
  const wallMs = performance.now() - start;
  const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
  const agents = (summary.tasks ?? []).filter((/** @type {any} */ t) => t.kind === 'agent');
  const durations = agents.map((/** @type {any} */ t) => t.duration_ms ?? 0);
  const slotMs = (summary.makespan_ms * MAX_PARALLEL) / agents.length;
  return {
    status: summary.status,
    agent_tasks: agents.length,
    succeeded: agents.filter((/** @type {any} */ t) => t.status === 'succeeded').length,
    peak_concurrency: summary.peak_concurrency,
    peak_concurrency_events: summary.peak_concurrency_events,
    makespan_ms: summary.makespan_ms,
    cli_wall_ms: Math.round(wallMs),
    throughput_tasks_per_s: round(agents.length / (summary.makespan_ms / 1000), 1),
    median_task_ms: round(median(durations), 1),
    slot_ms_per_task: round(slotMs, 1),
    dispatch_ms_per_task: round(slotMs - median(durations), 1),
  };
}

/** @param {{ log: (line: string) => void }} context */
export async function run({ log }) {
  const dir = await mkdtemp(join(tmpdir(), 'subplan-bench-distributed-'));
  /** @type {{ child: import('execa').ResultPromise }[]} */
  let workers = [];
  /** @type {Awaited<ReturnType<typeof startRedis>> | undefined} */
  let redis;
  try {
    const localRepo = join(dir, 'local');
    const remoteRepo = join(dir, 'distributed');
    const remote = join(dir, 'shared.git');
    await Promise.all([mkdir(localRepo), mkdir(remoteRepo)]);
    await createRepo(localRepo);
    await createRepo(remoteRepo);
    await execa('git', ['init', '--quiet', '--bare', remote]);

    log(`  local: ${TASKS} tasks at max_parallel ${MAX_PARALLEL}`);
    const local = await runPlan(localRepo, []);
    log(`  local: ${local.status} in ${local.makespan_ms} ms`);

    redis = await startRedis(dir);
    workers = await startWorkers(redis.socket, dir);
    log(`  bullmq: ${TASKS} tasks on ${WORKERS} workers × ${MAX_PARALLEL / WORKERS}`);
    const distributed = await runPlan(remoteRepo, [
      '--executor',
      'bullmq',
      '--redis',
      redis.socket,
      '--remote',
      remote,
    ]);
    log(`  bullmq: ${distributed.status} in ${distributed.makespan_ms} ms`);

    const ratio = round(distributed.makespan_ms / local.makespan_ms, 2);
    const keys = /** @type {(keyof typeof local)[]} */ (Object.keys(local));
    const rows = keys.map((key) => [key, String(local[key]), String(distributed[key])]);
    return {
      config: {
        tasks: TASKS,
        max_parallel: MAX_PARALLEL,
        workers: WORKERS,
        concurrency_per_worker: MAX_PARALLEL / WORKERS,
        agent: 'true',
        redis: 'private redis-server on a unix socket',
        remote: 'bare repository on local disk',
      },
      figures: { local, bullmq: distributed, makespan_ratio_bullmq_to_local: ratio },
      table: formatTable(['figure', 'local (Piscina)', 'bullmq (4 workers)'], rows),
      headline: [
        `distributed: ${TASKS} tasks at max_parallel ${MAX_PARALLEL}: local ${local.throughput_tasks_per_s} tasks/s, bullmq ${distributed.throughput_tasks_per_s} tasks/s (${ratio}× the local makespan); dispatch per task ${local.dispatch_ms_per_task} ms local vs ${distributed.dispatch_ms_per_task} ms bullmq; peaks ${local.peak_concurrency}/${distributed.peak_concurrency}`,
      ],
    };
  } finally {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.child));
    redis?.server.kill('SIGKILL');
    await redis?.server;
    await rm(dir, { recursive: true, force: true });
  }
}
