/**
 * `subplan report`: reads a run's event log and writes its HTML report, its Chrome trace, or
 * both. The run is found as `status` finds it (an id, a unique prefix, or the latest); the HTML
 * goes to `.subplan/runs/<run>/report.html` unless told otherwise. Read-only for the run itself.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RunNotFoundError } from '../core/index.js';
import { findRunPaths } from '../run/index.js';
import { readEventLog } from '../state/index.js';
import { renderHtmlReport } from './html-report.js';
import { readReportAssets } from './report-assets.js';
import { buildTimelineModel } from './timeline-model.js';
import { buildTrace } from './trace-export.js';

export interface WriteRunReportOptions {
  readonly repoDir: string;
  /** A run id or a unique prefix of it. @default the latest run */
  readonly runId?: string;
  /** Where the HTML goes. @default `.subplan/runs/<run>/report.html`, unless only a trace is asked for */
  readonly htmlFile?: string;
  /** Where the Chrome Trace Event JSON goes; none when absent. */
  readonly traceFile?: string;
}

export interface WrittenReport {
  readonly runId: string;
  readonly htmlFile?: string;
  readonly traceFile?: string;
}

export async function writeRunReport(options: WriteRunReportOptions): Promise<WrittenReport> {
  const { runId, paths } = await findRunPaths(options.repoDir, options.runId);
  const events = existsSync(paths.eventsFile) ? readEventLog(paths.eventsFile) : [];
  if (events[0]?.type !== 'run-started')
    throw new RunNotFoundError(runId, `: ${paths.eventsFile} holds no run-started event`);
  const model = buildTimelineModel(events);
  const htmlFile =
    options.htmlFile ??
    (options.traceFile === undefined ? join(paths.runDir, 'report.html') : undefined);
  if (htmlFile !== undefined) {
    await writeOutput(htmlFile, renderHtmlReport(model, await readReportAssets()));
  }
  if (options.traceFile !== undefined) {
    await writeOutput(options.traceFile, `${JSON.stringify(buildTrace(model))}\n`);
  }
  return {
    runId,
    ...(htmlFile !== undefined && { htmlFile }),
    ...(options.traceFile !== undefined && { traceFile: options.traceFile }),
  };
}

async function writeOutput(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}
