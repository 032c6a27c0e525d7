#!/usr/bin/env node
// `npm run bench:readme`: rewrites the README's scaling tables (between the bench:scaling
// markers) from the committed baseline, benchmarks/baseline/*.json, formatted as Prettier
// formats the README. `--check` only reports whether the README is in sync (exit 1 when not).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readBaseline, readmeWithScalingTables } from './lib/scaling-table.js';

const baselineDir = fileURLToPath(new URL('./baseline/', import.meta.url));
const readmeFile = fileURLToPath(new URL('../README.md', import.meta.url));

const results = await readBaseline(baselineDir);
const readme = await readFile(readmeFile, 'utf8');
const updated = await readmeWithScalingTables(readme, results, readmeFile);
if (process.argv.includes('--check')) {
  const inSync = updated === readme;
  process.stdout.write(
    inSync
      ? 'README scaling tables in sync with benchmarks/baseline\n'
      : 'README scaling tables out of date: run npm run bench:readme\n',
  );
  process.exitCode = inSync ? 0 : 1;
} else {
  await writeFile(readmeFile, updated);
  process.stdout.write(`README.md: scaling tables from ${results.length} baseline file(s)\n`);
}
