// The README's scaling tables, generated from results files (the committed baseline) so that
// nobody types figures by hand: every metric a suite tags with `scaling` lands in a cell, rows
// sorted by their key, columns in the order they first appear across suites taken by name.
import { readFile, readdir } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';

export const START_MARKER = '<!-- bench:scaling:start -->';
export const END_MARKER = '<!-- bench:scaling:end -->';

/** Columns the suites of this repository fill, in reading order; any other column follows them. */
const COLUMN_ORDER = [
  'makespan / LB, estimates known',
  'makespan / LB, no estimates',
  'makespan / tight LB, estimates known',
  'makespan / tight LB, no estimates',
  'FIFO',
  'waves',
  'predicted, no overhead',
  'makespan / ideal of the sleeps',
  'overhead per task',
  'makespan',
  'coordinator peak RSS',
  '`status`',
  'decomposition (auto)',
  'decomposition CPU (auto)',
  'overhead per agent task',
  'fresh worktree phase',
];

const TITLES = {
  tasks: { title: 'Runs by number of agent tasks', key: 'agent tasks' },
  files: { title: 'Repository and scope size', key: 'files' },
};

/**
 * Markdown for the scaling section from results files (each `{ suite, date, machine, metrics }`).
 * @param {readonly { suite: string, date?: string, machine?: Record<string, unknown>,
 *   metrics?: Record<string, import('./metrics.js').Metric> }[]} results
 */
export function scalingTables(results) {
  const sorted = [...results].sort((a, b) => a.suite.localeCompare(b.suite));
  /** @type {Map<string, { columns: string[], rows: Map<string, { key: number, cells: Map<string, string> }> }>} */
  const tables = new Map();
  for (const result of sorted) {
    for (const [name, m] of Object.entries(result.metrics ?? {})) {
      const cell = m.scaling;
      if (!cell) continue;
      const table = tables.get(cell.table) ?? { columns: [], rows: new Map() };
      tables.set(cell.table, table);
      if (!table.columns.includes(cell.column)) table.columns.push(cell.column);
      const row = table.rows.get(cell.row) ?? { key: cell.key, cells: new Map() };
      table.rows.set(cell.row, row);
      if (row.cells.has(cell.column))
        throw new Error(`two metrics for ${cell.table} / ${cell.row} / ${cell.column} (${name})`);
      row.cells.set(cell.column, formatValue(m.value, m.unit));
    }
  }
  const lines = [];
  for (const [id, table] of [...tables].sort(([a], [b]) => a.localeCompare(b))) {
    const titles = TITLES[/** @type {keyof typeof TITLES} */ (id)] ?? { title: id, key: id };
    const rows = [...table.rows].sort(([a, x], [b, y]) => x.key - y.key || a.localeCompare(b));
    const rank = (/** @type {string} */ c) =>
      COLUMN_ORDER.includes(c) ? COLUMN_ORDER.indexOf(c) : COLUMN_ORDER.length;
    table.columns.sort((a, b) => rank(a) - rank(b));
    lines.push(
      `**${titles.title}**`,
      '',
      `| ${[titles.key, ...table.columns].join(' | ')} |`,
      `| ${['---', ...table.columns.map(() => '---:')].join(' | ')} |`,
      ...rows.map(
        ([label, row]) =>
          `| ${[label, ...table.columns.map((c) => row.cells.get(c) ?? '–')].join(' | ')} |`,
      ),
      '',
    );
  }
  const targets = sorted.flatMap((r) =>
    Object.entries(r.metrics ?? {})
      .filter(([, m]) => m.target !== undefined)
      .map(([name, m]) => {
        const target = /** @type {number} */ (m.target);
        const kept = m.better === 'lower' ? m.value <= target : m.value >= target;
        return `| ${r.suite} | ${m.description ?? name} | ${m.better === 'lower' ? '≤' : '≥'} ${formatValue(target, m.unit)} | ${formatValue(m.value, m.unit)} | ${kept ? 'yes' : '**no**'} |`;
      }),
  );
  if (targets.length > 0) {
    lines.push(
      '**Targets**',
      '',
      '| suite | metric | target | measured | met |',
      '| --- | --- | ---: | ---: | --- |',
      ...targets,
      '',
    );
  }
  const machines = [
    ...new Set(
      sorted.map((r) =>
        r.machine
          ? `${String(r.machine.cpu_model)} × ${String(r.machine.cpu_count)}, ${String(r.machine.total_memory_gb)} GB, node ${String(r.machine.node)}`
          : 'unknown machine',
      ),
    ),
  ];
  const dates = sorted
    .map((r) => r.date?.slice(0, 10))
    .filter(Boolean)
    .sort();
  lines.push(
    `Measured on ${machines.join('; ')}` +
      (dates.length > 0
        ? `, ${dates[0]}${dates.at(-1) !== dates[0] ? ` to ${dates.at(-1)}` : ''}`
        : '') +
      ` (suites: ${sorted.map((r) => r.suite).join(', ')}).`,
  );
  return lines.join('\n');
}

/**
 * `text` with the part between the markers replaced by `section`; throws when a marker is missing.
 * @param {string} text @param {string} section
 */
export function replaceBetweenMarkers(text, section) {
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`README needs ${START_MARKER} … ${END_MARKER}`);
  return `${text.slice(0, start + START_MARKER.length)}\n${section}\n${text.slice(end)}`;
}

/** @param {number} value @param {string} unit */
export function formatValue(value, unit) {
  if (!Number.isFinite(value)) return '–';
  if (unit === 'x') return `${value.toFixed(2)}×`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

/** Every results file in `dir`, by file name. @param {string} dir */
export async function readBaseline(dir) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(`${dir}${f}`, 'utf8'))));
}

/**
 * The README with its scaling section generated from `results`, formatted by Prettier with the
 * repository's settings, so `npm run format` leaves it as it is.
 * @param {string} readme @param {Parameters<typeof scalingTables>[0]} results
 * @param {string} readmeFile its path, for Prettier's configuration
 */
export async function readmeWithScalingTables(readme, results, readmeFile) {
  const options = (await resolveConfig(readmeFile)) ?? {};
  // Only the generated section is formatted: the rest of the README is the authors' to lay out.
  const section = await format(scalingTables(results), { ...options, parser: 'markdown' });
  return replaceBetweenMarkers(readme, `\n${section.trimEnd()}\n`);
}
