#!/usr/bin/env node
// `npm run bench:compare [-- [--run] [--threshold 0.2] [filter...]]`: compares
// benchmarks/results/<suite>.json with the committed benchmarks/baseline/<suite>.json, metric by
// metric, and exits 1 when a metric is worse than its baseline by more than the threshold (20%
// by default; the direction is each metric's own). With --run it first runs the suites (those
// matching the filters, else every suite that has a baseline) through `npm run bench`; without
// it, it takes the results already there. A suite with no results is reported, not failed.
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { compareResults } from './lib/compare-results.js';
import { formatTable } from './lib/measure.js';

const baselineDir = fileURLToPath(new URL('./baseline/', import.meta.url));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

const args = process.argv.slice(2);
let threshold = 0.2;
let run = false;
/** @type {string[]} */
const filters = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? '';
  if (arg === '--run') run = true;
  else if (arg === '--threshold') threshold = Number(args[++i]);
  else if (arg.startsWith('--threshold=')) threshold = Number(arg.slice('--threshold='.length));
  else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
  else filters.push(arg);
}
if (!Number.isFinite(threshold) || threshold <= 0) usage('--threshold takes a positive number');

const suites = (await listJson(baselineDir)).filter(
  (suite) => filters.length === 0 || filters.some((f) => suite.includes(f)),
);
if (suites.length === 0) usage(`no baseline in benchmarks/baseline/ matches ${filters.join(', ')}`);
if (run) {
  const bench = await execa('npm', ['run', 'bench', '--', ...suites], {
    cwd: root,
    stdio: 'inherit',
    reject: false,
  });
  if (bench.exitCode !== 0) process.stderr.write(`npm run bench exited ${bench.exitCode}\n`);
}

let regressions = 0;
for (const suite of suites) {
  const baseline = JSON.parse(await readFile(`${baselineDir}${suite}.json`, 'utf8'));
  const current = await readJson(`${resultsDir}${suite}.json`);
  process.stdout.write(
    `\n${suite}: baseline ${baseline.date} (${baseline.source?.commit?.slice(0, 10) ?? '?'}), ` +
      (current
        ? `current ${current.date} (${current.source?.commit?.slice(0, 10) ?? '?'}, load ${current.machine?.load_average_1m_at_suite_start ?? '?'})\n`
        : 'no results: run `npm run bench -- ' + suite + '` or pass --run\n'),
  );
  if (!current) continue;
  const rows = compareResults(baseline, current, { threshold });
  regressions += rows.filter((r) => r.verdict === 'regression').length;
  process.stdout.write(
    `${formatTable(
      ['metric', 'better', 'baseline', 'current', 'worse by', 'verdict', 'target'],
      rows.map((r) => [
        r.per ? `${r.metric} (per ${r.per})` : r.metric,
        r.better,
        show(r.baseline, r.unit),
        show(r.current, r.unit),
        r.worse_by === null ? '' : `${r.worse_by.toFixed(2)}x`,
        r.verdict === 'regression' ? 'REGRESSION' : r.verdict,
        targetText(current.metrics?.[r.metric] ?? baseline.metrics?.[r.metric]),
      ]),
      { left: [1, 5, 6] },
    )}\n`,
  );
}
process.stdout.write(
  `\n${regressions === 0 ? 'no regression' : `${regressions} regression(s)`} beyond ${Math.round(threshold * 100)}% ` +
    `(worse by = current / baseline, inverted where higher is better)\n`,
);
process.exitCode = regressions > 0 ? 1 : 0;

/** The metric's target and whether its current value keeps it. @param {import('./lib/metrics.js').Metric | undefined} m */
function targetText(m) {
  if (m?.target === undefined) return '';
  const kept = m.better === 'lower' ? m.value <= m.target : m.value >= m.target;
  return `${m.better === 'lower' ? '≤' : '≥'} ${show(m.target, m.unit)}: ${kept ? 'met' : 'NOT met'}`;
}

/** @param {number | null} value @param {string} unit */
function show(value, unit) {
  if (value === null) return '';
  if (unit === 'x') return `${value.toFixed(2)}x`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`.trim();
}

/** @param {string} dir */
async function listJson(dir) {
  try {
    return (await readdir(dir))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
  } catch {
    return [];
  }
}

/** @param {string} file */
async function readJson(file) {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

/** @param {string} message @returns {never} */
function usage(message) {
  process.stderr.write(
    `${message}\nusage: npm run bench:compare -- [--run] [--threshold 0.2] [suite filter...]\n`,
  );
  process.exit(2);
}
