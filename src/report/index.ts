export type { Reporter, TextSink } from './reporter.js';
export { LineReporter, describeEvent, wantsColor, OUTPUT_MODES } from './line-reporter.js';
export type { OutputMode, LineReporterOptions } from './line-reporter.js';
export { JsonReporter } from './json-reporter.js';
export { formatSummaryTable } from './summary-table.js';
export { formatTable } from './format-table.js';
