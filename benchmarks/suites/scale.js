// A thousand agent tasks at max_parallel 64 on this 2-core machine: one decomposed phase of
// 1,000 one-file leaves, the agent `true`, run through the built CLI as a user would. Records
// the coordinator's peak RSS (sampled from /proc, worker threads included), the peak
// concurrency from the workers' counter and from events, the makespan, and how long
// `subplan status` takes on the finished run. Target: RSS under 400 MB, status under 1 s.
import { readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createOneFileLeavesRepo } from '../fixtures/one-file-leaves.js';
import { formatTable, median, round } from '../lib/measure.js';
import { metric } from '../lib/metrics.js';

export const name = 'scale';
export const description =
  '1,000 agent tasks at max_parallel 64: coordinator RSS, peaks, makespan, status time';

const TASKS = 1000;
const MAX_PARALLEL = 64;
const bin = fileURLToPath(new URL('../../bin/subplan.js', import.meta.url));

async function createRepo(files) {
  const dir = await mkdtemp(join(tmpdir(), 'subplan-bench-scale-'));
  await createOneFileLeavesRepo(dir, { files, folders: 40, maxParallel: MAX_PARALLEL });
  return dir;
}

/** @param {{ log: (line: string) => void }} context */
export async function run({ log }) {
  const dir = await createRepo(TASKS);
  try {
    const child = execa(process.execPath, [bin, 'run', 'plan.yaml', '--json', '--no-cache'], {
      cwd: dir,
      reject: false,
    });
    let peakKb = 0;
    const sampler = setInterval(() => {
      readFile(`/proc/${child.pid}/status`, 'utf8')
        .then((status) => {
          const match = /VmRSS:\s+(\d+)/.exec(status);
          if (match) peakKb = Math.max(peakKb, Number(match[1]));
        })
        .catch(() => undefined);
    }, 50);
    const result = await child;
    clearInterval(sampler);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    // Three status calls: the median says how responsive it stays, not one cold start.
    const statusTimes = [];
    for (let i = 0; i < 3; i++) {
      const statusStart = performance.now();
      await execa(process.execPath, [bin, 'status', '--json'], { cwd: dir });
      statusTimes.push(performance.now() - statusStart);
    }
    const statusMs = median(statusTimes);
    // The floor under any command: starting the CLI at all (node, its modules) on this machine now.
    const startTimes = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      await execa(process.execPath, [bin, '--version'], { cwd: dir });
      startTimes.push(performance.now() - start);
    }
    const eventsFile = join(dir, '.subplan', 'runs', summary.run_id ?? '', 'events.ndjson');
    const readStart = performance.now();
    const eventLines = (await readFile(eventsFile, 'utf8')).split('\n').filter(Boolean);
    for (const line of eventLines) JSON.parse(line);
    const eventsReadMs = performance.now() - readStart;
    const agents = summary.tasks?.filter((t) => t.kind === 'agent') ?? [];
    const figures = {
      agent_tasks: agents.length,
      all_tasks: summary.tasks?.length ?? 0,
      status: summary.status,
      max_parallel: MAX_PARALLEL,
      peak_concurrency: summary.peak_concurrency,
      peak_concurrency_events: summary.peak_concurrency_events,
      makespan_ms: summary.makespan_ms,
      lower_bound_ms: summary.lower_bound_ms,
      over_lower_bound: round(summary.makespan_ms / summary.lower_bound_ms),
      median_agent_task_ms: median(agents.map((t) => t.duration_ms ?? 0)),
      coordinator_peak_rss_mb: round(peakKb / 1024, 1),
      status_ms: round(statusMs, 1),
      status_runs_ms: statusTimes.map((ms) => round(ms, 1)),
      cli_start_ms: round(median(startTimes), 1),
      events: eventLines.length,
      events_read_and_parse_ms: round(eventsReadMs, 1),
      cli_exit_code: result.exitCode,
    };
    log(`  ${figures.agent_tasks} agent tasks ${figures.status} in ${figures.makespan_ms} ms`);
    const rows = Object.entries(figures).map(([key, value]) => [key, String(value)]);
    const row = `${TASKS.toLocaleString('en-US')} (1 phase, agent \`true\`, max_parallel ${MAX_PARALLEL})`;
    const cell = (/** @type {string} */ column) => ({
      scaling: /** @type {const} */ ({ table: 'tasks', row, key: TASKS, column }),
    });
    const metrics = {
      coordinator_peak_rss_mb: metric(figures.coordinator_peak_rss_mb, {
        description: `coordinator peak RSS, ${TASKS} tasks at max_parallel ${MAX_PARALLEL}`,
        unit: 'MB',
        better: 'lower',
        target: 400,
        ...cell('coordinator peak RSS'),
      }),
      status_ms: metric(figures.status_ms, {
        description: `\`subplan status\` after ${TASKS} tasks (median of 3)`,
        unit: 'ms',
        better: 'lower',
        target: 1000,
        ...cell('`status`'),
      }),
      makespan_ms: metric(figures.makespan_ms, {
        unit: 'ms',
        better: 'lower',
        ...cell('makespan'),
      }),
      over_lower_bound: metric(figures.over_lower_bound, {
        unit: 'x',
        better: 'lower',
        ...cell('makespan / LB, no estimates'),
      }),
      median_agent_task_ms: metric(figures.median_agent_task_ms, {
        unit: 'ms',
        better: 'lower',
        ...cell('overhead per task'),
      }),
      cli_start_ms: metric(figures.cli_start_ms, {
        unit: 'ms',
        better: 'lower',
        description: '`subplan --version`: the floor under `status`',
      }),
      status_over_cli_start: metric(round(figures.status_ms / figures.cli_start_ms), {
        unit: 'x',
        better: 'lower',
      }),
      peak_concurrency: metric(figures.peak_concurrency ?? 0, { unit: 'tasks', better: 'higher' }),
      events_read_and_parse_ms: metric(figures.events_read_and_parse_ms, {
        unit: 'ms',
        better: 'lower',
      }),
    };
    return {
      config: { tasks: TASKS, max_parallel: MAX_PARALLEL, agent: 'true' },
      figures,
      metrics,
      table: formatTable(['figure', 'value'], rows),
      headline: [
        `scale: ${figures.agent_tasks} tasks at max_parallel ${MAX_PARALLEL}: ${figures.status}, peak ${figures.peak_concurrency} (events ${figures.peak_concurrency_events}), makespan ${figures.makespan_ms} ms, coordinator RSS ${figures.coordinator_peak_rss_mb} MB (target < 400: ${figures.coordinator_peak_rss_mb < 400 ? 'met' : 'NOT met'}), status ${figures.status_ms} ms (target < 1000: ${figures.status_ms < 1000 ? 'met' : 'NOT met'})`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
