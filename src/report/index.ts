export type { Reporter, TextSink } from './reporter.js';
export { LineReporter, describeEvent } from './line-reporter.js';
export { JsonReporter } from './json-reporter.js';
export { formatSummaryTable } from './summary-table.js';
