#!/usr/bin/env node
// `npm run bench:baseline [-- filter...]`: makes the current results the baseline that
// `bench:compare` checks against (copies benchmarks/results/<suite>.json to
// benchmarks/baseline/), for the suites matching a filter, else all. Commit the files it writes,
// then run `npm run bench:readme` so the README's tables follow them.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const baselineDir = fileURLToPath(new URL('./baseline/', import.meta.url));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const filters = process.argv.slice(2);
const suites = (await readdir(resultsDir).catch(() => []))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .filter((suite) => filters.length === 0 || filters.some((f) => suite.includes(f)));
if (suites.length === 0) {
  process.stderr.write('no results to save: run `npm run bench` first\n');
  process.exit(2);
}
await mkdir(baselineDir, { recursive: true });
for (const suite of suites) {
  await copyFile(`${resultsDir}${suite}.json`, `${baselineDir}${suite}.json`);
  process.stdout.write(`benchmarks/baseline/${suite}.json\n`);
}
