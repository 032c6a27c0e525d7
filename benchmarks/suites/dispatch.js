// Dispatch overhead per no-op task through a Piscina pool configured like the PiscinaExecutor.
// A real executor task always adds a worktree and an agent process (see the git suite), so this
// suite measures pure dispatch: a raw no-op round trip, and the same round trip with the
// executor's envelope (task port, request clone, `started` message, probe), side by side.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ConcurrencyProbe, PiscinaExecutor } from '../../dist/execute/index.js';
import { describe, formatTable, round, runBenchmarks, timed } from '../lib/measure.js';
import { repoFilePath } from '../fixtures/create-repo.js';
import { metric } from '../lib/metrics.js';

export const name = 'dispatch';
export const description =
  'Piscina dispatch overhead per no-op task (raw pool vs the executor envelope)';

/** The executor's pool shape for this bound: threads and tasks per thread come from PiscinaExecutor. */
const MAX_PARALLEL = 8;
const BATCH = 64;
const TARGET_US = 1000;
const COLD_STARTS = 5;

const noopWorker = new URL('../fixtures/noop-worker.js', import.meta.url).href;
const envelopeWorker = new URL('../fixtures/envelope-worker.js', import.meta.url).href;

/** @param {{ log: (line: string) => void }} context */
export async function run({ log }) {
  // Read the executor's own sizing, so the raw pool follows it if it changes.
  const executor = new PiscinaExecutor({ maxParallel: MAX_PARALLEL });
  const { threads, tasksPerThread } = executor;
  await executor.close();

  const poolOptions = (/** @type {string} */ filename, /** @type {ConcurrencyProbe} */ probe) => ({
    filename,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: tasksPerThread,
    maxQueue: MAX_PARALLEL,
    idleTimeout: 60_000,
    workerData: { probe: probe.buffer },
  });

  const coldStartMs = [];
  const destroyMs = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const start = performance.now();
    const pool = new Piscina(poolOptions(noopWorker, new ConcurrencyProbe()));
    await pool.run(null);
    coldStartMs.push(performance.now() - start);
    destroyMs.push((await timed(() => pool.destroy())).ms);
  }

  const rawPool = new Piscina(poolOptions(noopWorker, new ConcurrencyProbe()));
  const envelopeProbe = new ConcurrencyProbe();
  const envelopePool = new Piscina(poolOptions(envelopeWorker, envelopeProbe));
  const request = sampleRequest();
  /** @type {unknown} */
  let failure;
  const fail = (/** @type {unknown} */ error) => {
    failure ??= error;
  };
  const runRaw = () => rawPool.run(null);
  const runEnvelope = () => runWithEnvelope(envelopePool, request);
  const runInThread = async () => null;

  let results;
  try {
    await Promise.all([runRaw(), runEnvelope()]);
    results = await runBenchmarks(
      [
        {
          name: 'in-thread async call (reference)',
          fn: (done) => void runInThread().then(done, fail),
        },
        {
          name: 'raw pool, 1 in flight',
          fn: (done) => void runRaw().then(done, (e) => (fail(e), done())),
        },
        {
          name: 'executor envelope, 1 in flight',
          fn: (done) => void runEnvelope().then(done, (e) => (fail(e), done())),
        },
        {
          name: `raw pool, ${MAX_PARALLEL} in flight (batch ${BATCH})`,
          fn: (done) => keepInFlight(runRaw, BATCH, MAX_PARALLEL, done, fail),
        },
        {
          name: `executor envelope, ${MAX_PARALLEL} in flight (batch ${BATCH})`,
          fn: (done) => keepInFlight(runEnvelope, BATCH, MAX_PARALLEL, done, fail),
        },
      ],
      { onCycle: (line) => log(`  ${line}`) },
    );
  } finally {
    await Promise.all([rawPool.destroy(), envelopePool.destroy()]);
  }
  if (failure) throw failure;

  const perTask = [1, 1, 1, BATCH, BATCH];
  const keys = [
    'in_thread',
    'raw_1',
    'envelope_1',
    `raw_${MAX_PARALLEL}`,
    `envelope_${MAX_PARALLEL}`,
  ];
  const benchmarks = results.map((r, i) => ({
    key: keys[i],
    name: r.name,
    tasks_per_op: perTask[i],
    mean_us: round(r.mean_s * 1e6),
    rme_percent: round(r.rme_percent),
    samples: r.samples,
    per_task_us: round((r.mean_s * 1e6) / (perTask[i] ?? 1)),
  }));
  const us = (/** @type {string} */ key) =>
    benchmarks.find((b) => b.key === key)?.per_task_us ?? Number.NaN;
  const worst = Math.max(us('raw_1'), us('envelope_1'));
  const figures = {
    target_us_per_task: TARGET_US,
    within_target: worst < TARGET_US,
    benchmarks,
    ratios: {
      envelope_over_raw_1_in_flight: round(us('envelope_1') / us('raw_1')),
      envelope_over_raw_in_flight: round(
        us(`envelope_${MAX_PARALLEL}`) / us(`raw_${MAX_PARALLEL}`),
      ),
      raw_sequential_over_in_flight: round(us('raw_1') / us(`raw_${MAX_PARALLEL}`)),
      target_over_worst_sequential: round(TARGET_US / worst),
    },
    cold_pool_first_task_ms: describe(coldStartMs),
    pool_destroy_ms: describe(destroyMs),
    envelope_peak_concurrency: envelopeProbe.peak,
  };
  const config = {
    max_parallel: MAX_PARALLEL,
    threads,
    tasks_per_thread: tasksPerThread,
    batch: BATCH,
    request_json_bytes: JSON.stringify(request).length,
  };
  const table = formatTable(
    ['variant', 'mean µs/op', '±rme', 'µs/task', 'vs raw'],
    benchmarks.map((b) => [
      b.name,
      b.mean_us.toFixed(1),
      `${b.rme_percent.toFixed(1)}%`,
      b.per_task_us.toFixed(1),
      b.key === 'in_thread'
        ? ''
        : `${(b.per_task_us / us(b.tasks_per_op === 1 ? 'raw_1' : `raw_${MAX_PARALLEL}`)).toFixed(2)}x`,
    ]),
  );
  const headline = [
    `dispatch: ${us('raw_1').toFixed(0)} µs/task raw, ${us('envelope_1').toFixed(0)} µs/task with the executor envelope ` +
      `(1 in flight; target < ${TARGET_US} µs: ${figures.within_target ? 'met' : 'NOT met'}); ` +
      `${us(`raw_${MAX_PARALLEL}`).toFixed(0)} / ${us(`envelope_${MAX_PARALLEL}`).toFixed(0)} µs/task with ${MAX_PARALLEL} in flight; ` +
      `cold pool ${figures.cold_pool_first_task_ms.median} ms`,
  ];
  const extra = `cold pool to first task: median ${figures.cold_pool_first_task_ms.median} ms (p90 ${figures.cold_pool_first_task_ms.p90}); destroy: median ${figures.pool_destroy_ms.median} ms; pool: ${threads} threads × ${tasksPerThread} tasks`;
  const metrics = {
    raw_1_per_task_us: metric(us('raw_1'), { unit: 'µs', better: 'lower' }),
    envelope_1_per_task_us: metric(us('envelope_1'), {
      unit: 'µs',
      better: 'lower',
      target: TARGET_US,
      description: 'dispatch of one agent task request through the executor envelope',
    }),
    [`envelope_${MAX_PARALLEL}_per_task_us`]: metric(us(`envelope_${MAX_PARALLEL}`), {
      unit: 'µs',
      better: 'lower',
    }),
    envelope_over_raw: metric(figures.ratios.envelope_over_raw_1_in_flight, {
      unit: 'x',
      better: 'lower',
    }),
    cold_pool_first_task_ms: metric(figures.cold_pool_first_task_ms.median, {
      unit: 'ms',
      better: 'lower',
    }),
  };
  return { config, figures, metrics, table: `${table}\n${extra}`, headline };
}

/**
 * The coordinator half of PiscinaExecutor.runAgentTask: a fresh port per task, transferred with
 * the request, listened to for worker messages, closed afterwards.
 * @param {Piscina} pool @param {object} request
 */
async function runWithEnvelope(pool, request) {
  const { port1, port2 } = new MessageChannel();
  let startedAt = 0;
  port1.on('message', (/** @type {{ type: string, startedAt?: number }} */ message) => {
    if (message.type === 'started') startedAt = message.startedAt ?? 0;
  });
  try {
    const result = await pool.run({ request, port: port2 }, { transferList: [port2] });
    return { result, startedAt };
  } finally {
    port1.close();
  }
}

/**
 * Runs `total` tasks keeping `inFlight` submitted at a time, as the scheduler does under
 * max_parallel, and calls `done` when the last one settles.
 * @param {() => Promise<unknown>} runOne @param {number} total @param {number} inFlight
 * @param {() => void} done @param {(error: unknown) => void} fail
 */
function keepInFlight(runOne, total, inFlight, done, fail) {
  let started = 0;
  let settled = 0;
  const next = () => {
    if (started >= total) return;
    started++;
    runOne()
      .catch(fail)
      .then(() => {
        settled++;
        if (settled === total) done();
        else next();
      });
  };
  for (let i = 0; i < Math.min(inFlight, total); i++) next();
}

/** A request shaped like the ones runPlan sends: the process environment, 25 files, a prompt. */
function sampleRequest() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined));
  return {
    runId: '20250101-000000-abcd',
    taskId: 'api.1.3',
    phase: 'api',
    prompt: 'Update every route handler to the new config API. Files: {files}',
    repo: { root: '/tmp/repo', commonDir: '/tmp/repo/.git', config: [] },
    worktree: '/tmp/repo/.subplan/worktrees/20250101-000000-abcd/api.1.3',
    branch: 'subplan/20250101-000000-abcd/api.1.3',
    baseCommit: '0123456789abcdef0123456789abcdef01234567',
    argvTemplate: ['claude', '-p', '{prompt}'],
    files: Array.from({ length: 25 }, (_, i) => repoFilePath(i)),
    filesFile: '/tmp/repo/.subplan/runs/20250101-000000-abcd/files/api.1.3.txt',
    env,
    logFile: '/tmp/repo/.subplan/runs/20250101-000000-abcd/logs/api.1.3.log',
    commitMessage:
      'subplan(api.1.3): Update every route handler\n\nRun 20250101-000000-abcd, phase api.',
  };
}
