/**
 * vis-timeline's browser bundle and stylesheet, read from the installed package when a report is
 * written, to be inlined: the report must open without a network, and a pinned runtime dependency
 * keeps the script the one the tests ran. Source map comments are dropped, since the maps are not
 * inlined and a browser would try to fetch them.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export interface ReportAssets {
  readonly script: string;
  readonly css: string;
}

const require = createRequire(import.meta.url);

export async function readReportAssets(): Promise<ReportAssets> {
  const [script, css] = await Promise.all([
    readFile(require.resolve('vis-timeline/standalone/umd/vis-timeline-graph2d.min.js'), 'utf8'),
    readFile(require.resolve('vis-timeline/styles/vis-timeline-graph2d.min.css'), 'utf8'),
  ]);
  return { script: dropSourceMap(script), css: dropSourceMap(css) };
}

function dropSourceMap(code: string): string {
  return code.replace(/\n?\/[*/][#@] sourceMappingURL=[^\n]*$/, '');
}
