export { runPaths } from './run-paths.js';
export type { RunPaths } from './run-paths.js';
export { EventLog, readEventLog } from './event-log.js';
export { readDurationHistory, recordDurations } from './duration-history.js';
export { reduceRunState, stateFromEvents, STATE_SCHEMA_VERSION } from './run-state.js';
export type { RunState, TaskState, TaskStateStatus } from './run-state.js';
export { RunStore, readRunState, quarantineBadState } from './run-store.js';
export type { ReadStateResult } from './run-store.js';
export { acquireRunLock, readLockHolder, isLockHolderGone } from './run-lock.js';
export type { RunLock, LockHolder } from './run-lock.js';
export {
  planFingerprint,
  phaseFingerprints,
  phaseFingerprint,
  canonicalJson,
} from './fingerprint.js';
export type { AgentCodeDigests } from './fingerprint.js';
export { ResultCache, cacheKey } from './result-cache.js';
export type { CacheEntry } from './result-cache.js';
