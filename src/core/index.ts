export { unreachable } from './unreachable.js';
export {
  SubplanError,
  PlanError,
  UsageError,
  RepoError,
  GitError,
  GitLockedError,
  RunNotFoundError,
  EmptyScopeError,
  RunLockedError,
  PlanChangedError,
  StateCorruptError,
  StateWriteError,
  RedisUnavailableError,
  formatDiagnostic,
} from './errors.js';
export type { Diagnostic, SubplanErrorCode } from './errors.js';
export { systemClock, isoTime, parseDuration, formatDuration } from './time.js';
export type { Clock } from './time.js';
export { createRunId, PHASE_ID_PATTERN } from './ids.js';
export { branchNameProblem } from './ref-name.js';
export { seededRandom } from './seeded-random.js';
export { errorMessage } from './error-message.js';
export { definedEntries } from './defined-entries.js';
export type { TaskOutcome, TaskStatus, FailureReason, CancelReason, RunStatus } from './outcome.js';
export type * from './events.js';
