// A thousand agent tasks at max_parallel 64 on this 2-core machine: one decomposed phase of
// 1,000 one-file leaves, the agent `true`, run through the built CLI as a user would. Records
// the coordinator's peak RSS (sampled from /proc, worker threads included), the peak
// concurrency from the workers' counter and from events, the makespan, and how long
// `subplan status` takes on the finished run. Target: RSS under 400 MB, status under 1 s.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { formatTable, round } from '../lib/measure.js';

export const name = 'scale';
export const description =
  '1,000 agent tasks at max_parallel 64: coordinator RSS, peaks, makespan, status time';

const TASKS = 1000;
const MAX_PARALLEL = 64;
const bin = fileURLToPath(new URL('../../bin/subplan.js', import.meta.url));

async function createRepo(files) {
  const dir = await mkdtemp(join(tmpdir(), 'subplan-bench-scale-'));
  const chunks = [
    'commit refs/heads/main\ncommitter bench <bench@localhost> 1700000000 +0000\ndata 5\nscale\n',
  ];
  for (let i = 0; i < files; i++) {
    const body = `export const v${i} = ${i};\n`;
    chunks.push(`M 100644 inline src/d${i % 40}/f${i}.ts\ndata ${body.length}\n${body}\n`);
  }
  await execa('git', ['init', '--quiet', '--initial-branch=main'], { cwd: dir });
  await execa('git', ['fast-import', '--quiet'], { cwd: dir, input: chunks.join('') });
  await execa('git', ['reset', '--quiet', '--hard', 'main'], { cwd: dir });
  await writeFile(
    join(dir, 'plan.yaml'),
    [
      'version: 1',
      `max_parallel: ${MAX_PARALLEL}`,
      'agent: { command: ["true"] }',
      'decompose: { max_files_per_subplan: 1, min_files_per_subplan: 1, max_children: 16, max_depth: 6 }',
      'phases:',
      '  - { id: all, prompt: "touch nothing", files: ["src/**"], decompose: true }',
    ].join('\n'),
  );
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
    const statusStart = performance.now();
    await execa(process.execPath, [bin, 'status', '--json'], { cwd: dir });
    const statusMs = performance.now() - statusStart;
    const figures = {
      agent_tasks: summary.tasks?.filter((t) => t.kind === 'agent').length ?? 0,
      all_tasks: summary.tasks?.length ?? 0,
      status: summary.status,
      max_parallel: MAX_PARALLEL,
      peak_concurrency: summary.peak_concurrency,
      peak_concurrency_events: summary.peak_concurrency_events,
      makespan_ms: summary.makespan_ms,
      coordinator_peak_rss_mb: round(peakKb / 1024, 1),
      status_ms: round(statusMs, 1),
    };
    log(`  ${figures.agent_tasks} agent tasks ${figures.status} in ${figures.makespan_ms} ms`);
    const rows = Object.entries(figures).map(([key, value]) => [key, String(value)]);
    return {
      config: { tasks: TASKS, max_parallel: MAX_PARALLEL, agent: 'true' },
      figures,
      table: formatTable(['figure', 'value'], rows),
      headline: [
        `scale: ${figures.agent_tasks} tasks at max_parallel ${MAX_PARALLEL}: ${figures.status}, peak ${figures.peak_concurrency} (events ${figures.peak_concurrency_events}), makespan ${figures.makespan_ms} ms, coordinator RSS ${figures.coordinator_peak_rss_mb} MB (target < 400: ${figures.coordinator_peak_rss_mb < 400 ? 'met' : 'NOT met'}), status ${figures.status_ms} ms (target < 1000: ${figures.status_ms < 1000 ? 'met' : 'NOT met'})`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
