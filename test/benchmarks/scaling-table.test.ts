import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../benchmarks/lib/compare-results.js';
import { inferMetrics } from '../../benchmarks/lib/metrics.js';
import {
  END_MARKER,
  START_MARKER,
  readBaseline,
  readmeWithScalingTables,
  replaceBetweenMarkers,
  scalingTables,
} from '../../benchmarks/lib/scaling-table.js';

const fixtureDir = fileURLToPath(new URL('../fixtures/bench/', import.meta.url));
const baselineDir = fileURLToPath(new URL('../../benchmarks/baseline/', import.meta.url));
const readmeFile = fileURLToPath(new URL('../../README.md', import.meta.url));

describe('scaling tables', () => {
  // Columns this repository's suites fill come in their reading order, unknown ones after them.
  it('tabulates the tagged metrics of every results file, rows by size', async () => {
    const results = await readBaseline(fixtureDir);
    expect(scalingTables(results)).toBe(
      [
        '**Repository and scope size**',
        '',
        '| files | decomposition |',
        '| --- | ---: |',
        '| 1,000 | 8.50 ms |',
        '| 100,000 | 1500 ms |',
        '',
        '**Runs by number of agent tasks**',
        '',
        '| agent tasks | overhead per task | makespan / LB |',
        '| --- | ---: | ---: |',
        '| 15 (seed) | – | 1.10× |',
        '| 40 (random) | 123 ms | 1.03× |',
        '',
        '**Targets**',
        '',
        '| suite | metric | target | measured | met |',
        '| --- | --- | ---: | ---: | --- |',
        '| decompose | files_100000.auto_ms | ≤ 2000 ms | 1500 ms | yes |',
        '| schedule | seed scenario over its bound | ≤ 1.05× | 1.10× | **no** |',
        '',
        'Measured on Test CPU × 2, 8 GB, node v20.0.0, 2025-01-01 to 2025-01-02 (suites: decompose, schedule).',
      ].join('\n'),
    );
  });

  it('replaces only the part between the markers, and needs both', () => {
    const text = `a\n${START_MARKER}\nold\n${END_MARKER}\nb\n`;
    expect(replaceBetweenMarkers(text, 'new')).toBe(`a\n${START_MARKER}\nnew\n${END_MARKER}\nb\n`);
    expect(() => replaceBetweenMarkers('no markers', 'new')).toThrow(/bench:scaling/);
  });

  it("README's tables are the ones generated from the committed baseline", async () => {
    const readme = await readFile(readmeFile, 'utf8');
    const results = await readBaseline(baselineDir);
    expect(results.length).toBeGreaterThan(0);
    expect(await readmeWithScalingTables(readme, results, readmeFile)).toBe(readme);
  });
});

describe('comparing with the baseline', () => {
  const base = (value: number, better: 'lower' | 'higher', per?: string) => ({
    value,
    unit: 'ms',
    better,
    ...(per && { per }),
  });

  it('flags a change beyond the threshold in the direction that is worse', () => {
    const rows = compareResults(
      {
        suite: 's',
        metrics: {
          slower: base(100, 'lower'),
          faster: base(100, 'lower'),
          fewer: base(100, 'higher'),
          within: base(100, 'lower'),
          gone: base(1, 'lower'),
        },
      },
      {
        suite: 's',
        metrics: {
          slower: base(125, 'lower'),
          faster: base(70, 'lower'),
          fewer: base(80, 'higher'),
          within: base(115, 'lower'),
          added: base(1, 'lower'),
        },
      },
      { threshold: 0.2 },
    );
    expect(Object.fromEntries(rows.map((r) => [r.metric, r.verdict]))).toEqual({
      slower: 'regression',
      faster: 'better',
      fewer: 'regression',
      within: 'ok',
      gone: 'missing',
      added: 'new',
    });
    expect(rows.find((r) => r.metric === 'fewer')?.worse_by).toBe(1.25);
  });

  it('compares a metric with `per` as a ratio to its reference', () => {
    const rows = compareResults(
      { suite: 's', metrics: { spawn: base(4, 'lower'), task: base(80, 'lower', 'spawn') } },
      { suite: 's', metrics: { spawn: base(8, 'lower'), task: base(150, 'lower', 'spawn') } },
      { threshold: 0.2 },
    );
    // Twice the spawn time and less than twice the task time: the task itself did not regress.
    expect(rows.find((r) => r.metric === 'task')?.verdict).toBe('ok');
    expect(rows.find((r) => r.metric === 'spawn')?.verdict).toBe('regression');
  });

  it('infers metrics and their direction from figure names for suites that declare none', () => {
    const metrics = inferMetrics({
      makespan_ms: 10,
      runs: [{ overhead_ms: 2 }],
      waves_over_ready_queue: 1.3,
      jobs_per_s: 400,
      tasks: 200,
      label: 'x',
    });
    expect(
      Object.fromEntries(Object.entries(metrics).map(([k, m]) => [k, `${m.better} ${m.unit}`])),
    ).toEqual({
      makespan_ms: 'lower ms',
      'runs.0.overhead_ms': 'lower ms',
      waves_over_ready_queue: 'lower x',
      jobs_per_s: 'higher 1/s',
    });
  });
});
