#!/usr/bin/env node
// Benchmark entry: `node benchmarks/benchmark.js [filter...]` runs the suites whose name contains
// a filter (all without one), one after another, writes benchmarks/results/<suite>.json with the
// machine, package versions, figures and tracked metrics, and prints a table per suite and a
// summary at the end. A suite is any file in suites/ (so a new one needs no registration); it
// exports `name`, `description` and `run({ log })` resolving to { config, figures, table,
// headline, metrics? }. Benchmarks report, they do not assert: the exit code is non-zero only
// when a suite throws (or when no suite matches the filter, a usage error).
// `bench:compare` checks the metrics against benchmarks/baseline/, `bench:readme` tabulates them.
import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { inferMetrics } from './lib/metrics.js';

/** Suites in a fixed order (cheap ones first), then any other file in suites/ by name. */
const KNOWN_ORDER = ['dispatch', 'decompose', 'git', 'schedule', 'scale', 'distributed'];
const suiteFiles = (await readdir(new URL('./suites/', import.meta.url)))
  .filter((file) => file.endsWith('.js'))
  .map((file) => file.slice(0, -3));
const rank = (/** @type {string} */ s) =>
  KNOWN_ORDER.includes(s) ? KNOWN_ORDER.indexOf(s) : KNOWN_ORDER.length;
const SUITES = suiteFiles.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const filters = process.argv.slice(2);
const selected = SUITES.filter(
  (suite) => filters.length === 0 || filters.some((f) => suite.includes(f)),
);
if (selected.length === 0) {
  process.stderr.write(`no suite matches ${filters.join(', ')}; suites: ${SUITES.join(', ')}\n`);
  process.exit(2);
}

const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
const machine = await describeMachine();
const packages = await packageVersions();
const source = await describeSource();
const command = ['node', 'benchmarks/benchmark.js', ...filters].join(' ');
log(
  `${machine.cpu_model} × ${machine.cpu_count}, ${machine.total_memory_gb} GB, node ${machine.node}, ${machine.git}, load ${machine.load_average_1m_at_start}`,
);

/** @type {string[]} */
const summary = [];
let failed = 0;
const allStart = performance.now();
for (const suiteName of selected) {
  const start = performance.now();
  const loadAtStart = round2(loadavg()[0] ?? 0);
  try {
    // Inside the try: a suite that cannot load (e.g. dist/ mid-rebuild) fails alone.
    const suite = await import(`./suites/${suiteName}.js`);
    log(`\n== ${suite.name}: ${suite.description}`);
    const result = await suite.run({ log });
    const seconds = (performance.now() - start) / 1000;
    const file = `${resultsDir}${suite.name}.json`;
    await mkdir(resultsDir, { recursive: true });
    const json = {
      suite: suite.name,
      description: suite.description,
      date: new Date().toISOString(),
      command,
      duration_s: Math.round(seconds * 10) / 10,
      machine: {
        ...machine,
        load_average_1m_at_suite_start: loadAtStart,
        load_average_1m_at_suite_end: round2(loadavg()[0] ?? 0),
      },
      packages,
      source,
      config: result.config,
      figures: result.figures,
      metrics: result.metrics ?? inferMetrics(result.figures),
    };
    await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(
      `\n${suite.name} (${seconds.toFixed(1)} s) → ${file.slice(root.length)}\n${result.table}\n`,
    );
    summary.push(...result.headline);
  } catch (error) {
    failed++;
    log(
      `suite ${suiteName} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    summary.push(
      `${suiteName}: FAILED (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}
process.stdout.write(
  `\nsummary (${((performance.now() - allStart) / 1000).toFixed(1)} s, ${command}):\n${summary.map((l) => `  ${l}`).join('\n')}\n`,
);
if (failed > 0) process.exitCode = 1;

/** @param {number} n */
function round2(n) {
  return Math.round(n * 100) / 100;
}

async function describeMachine() {
  const list = cpus();
  const git = await execa('git', ['--version'], { reject: false });
  return {
    cpu_model: list[0]?.model ?? 'unknown',
    cpu_count: list.length,
    total_memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    git: git.exitCode === 0 ? git.stdout.trim() : 'git not found',
    load_average_1m_at_start: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    load_average_at_start: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** The commit the figures were measured on, and src/ files changed since it (dist/ is built from them). */
async function describeSource() {
  const git = (/** @type {string[]} */ args) => execa('git', args, { cwd: root, reject: false });
  const head = await git(['rev-parse', 'HEAD']);
  const changed = await git(['status', '--porcelain', '--', 'src']);
  return {
    commit: head.exitCode === 0 ? head.stdout.trim() : null,
    changed_src_files:
      changed.exitCode === 0
        ? changed.stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => l.slice(3))
        : null,
  };
}

/** This package's version and those of the dependencies the suites exercise. */
async function packageVersions() {
  const versionOf = async (/** @type {string} */ dir) => {
    try {
      return JSON.parse(await readFile(`${dir}/package.json`, 'utf8')).version;
    } catch {
      return null;
    }
  };
  const names = [
    'piscina',
    'benchmark',
    'execa',
    '@dagrejs/graphlib',
    'proper-lockfile',
    'oxc-parser',
    'bullmq',
    'ioredis',
  ];
  const versions = { subplan: await versionOf(root) };
  for (const name of names) versions[name] = await versionOf(`${root}node_modules/${name}`);
  return versions;
}
