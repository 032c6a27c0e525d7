export type { Reporter, TextSink } from './reporter.js';
export { LineReporter, describeEvent, wantsColor, OUTPUT_MODES } from './line-reporter.js';
export type { OutputMode, LineReporterOptions } from './line-reporter.js';
export { JsonReporter } from './json-reporter.js';
export { formatSummaryTable } from './summary-table.js';
export { formatTable } from './format-table.js';
export { runStatusLabel } from './run-status-label.js';
export { buildTimelineModel } from './timeline-model.js';
export type {
  TimelineModel,
  TimelineTask,
  TimelineInterval,
  TimelineTaskStatus,
} from './timeline-model.js';
export { assignSlots } from './assign-slots.js';
export { runningSeries } from './running-series.js';
export type { RunningPoint } from './running-series.js';
export { measuredCriticalPath } from './measured-critical-path.js';
export type { MeasuredTask, MeasuredCriticalPath } from './measured-critical-path.js';
export { buildTrace } from './trace-export.js';
export type { TraceEvent, TraceFile } from './trace-export.js';
export { renderHtmlReport, embedJson } from './html-report.js';
export { readReportAssets } from './report-assets.js';
export type { ReportAssets } from './report-assets.js';
export { writeRunReport } from './write-run-report.js';
export type { WriteRunReportOptions, WrittenReport } from './write-run-report.js';
export { LiveReporter } from './live-reporter.js';
export type { LiveReporterOptions, Terminal } from './live-reporter.js';
export { LiveViewModel } from './live-view-model.js';
export type { LiveView, LiveTask, LiveCounts } from './live-view-model.js';
export { renderLiveFrame } from './live-frame.js';
export { estimateRemainingMs } from './live-eta.js';
export type { EtaTask } from './live-eta.js';
