// Small statistics and Benchmark.js helpers shared by the suites.
import Benchmark from 'benchmark';

/** @param {readonly number[]} values */
export function median(values) {
  return percentile(values, 50);
}

/**
 * Nearest-rank percentile: a value that was actually observed, so p90 of 30 samples is the 27th.
 * @param {readonly number[]} values
 * @param {number} p 0…100
 */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return /** @type {number} */ (sorted[rank - 1]);
}

/** @param {readonly number[]} values */
export function mean(values) {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** @param {number} value @param {number} [digits] */
export function round(value, digits = 2) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Median, p90, min and max of a sample, rounded, for the JSON files. */
export function describe(values, digits = 2) {
  return {
    n: values.length,
    median: round(median(values), digits),
    p90: round(percentile(values, 90), digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
  };
}

/** Milliseconds taken by `fn`, with its result. @template T @param {() => Promise<T>} fn */
export async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/**
 * Runs deferred Benchmark.js benchmarks one after another in this process, so their figures are
 * comparable, and resolves with mean (s), rme (%), samples and hz for each. `fn` receives a
 * function to call when one operation is done.
 *
 * No `setup`/`teardown` options: with them Benchmark.js decompiles the test function and
 * closures no longer resolve; without them it calls the function as given.
 * @param {{ name: string, fn: (done: () => void) => void }[]} benches
 * @param {{ maxTime?: number, minSamples?: number, onCycle?: (line: string) => void }} [options]
 */
export function runBenchmarks(benches, options = {}) {
  return new Promise((resolve, reject) => {
    const suite = new Benchmark.Suite();
    for (const bench of benches) {
      suite.add(bench.name, {
        defer: true,
        maxTime: options.maxTime ?? 1.5,
        minSamples: options.minSamples ?? 20,
        /** @param {{ resolve: () => void }} deferred */
        fn: (deferred) => bench.fn(() => deferred.resolve()),
      });
    }
    suite.on('cycle', (/** @type {{ target: Benchmark }} */ event) =>
      options.onCycle?.(String(event.target)),
    );
    suite.on('error', (/** @type {{ target: Benchmark }} */ event) => reject(event.target.error));
    suite.on('complete', () => {
      resolve(
        suite.map((/** @type {Benchmark} */ bench) => ({
          name: bench.name,
          mean_s: bench.stats.mean,
          rme_percent: bench.stats.rme,
          samples: bench.stats.sample.length,
          hz: bench.hz,
        })),
      );
    });
    suite.run({ async: true });
  });
}

/**
 * A plain-text table: the first column (and any listed in `options.left`) left-aligned, the
 * others right-aligned.
 * @param {readonly string[]} headers
 * @param {readonly (readonly (string | number))[][]} rows
 * @param {{ left?: readonly number[] }} [options]
 */
export function formatTable(headers, rows, options = {}) {
  const left = new Set([0, ...(options.left ?? [])]);
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  const line = (/** @type {string[]} */ row) =>
    row
      .map((cell, col) =>
        left.has(col) ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [
    line(cells[0] ?? []),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}
