export { runPaths } from './run-paths.js';
export type { RunPaths } from './run-paths.js';
export { EventLog, readEventLog } from './event-log.js';
export { readDurationHistory, recordDurations } from './duration-history.js';
