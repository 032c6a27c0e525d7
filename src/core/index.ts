export { unreachable } from './unreachable.js';
export {
  SubplanError,
  PlanError,
  UsageError,
  RepoError,
  GitError,
  RunNotFoundError,
  EmptyScopeError,
  RunLockedError,
  PlanChangedError,
  StateCorruptError,
  formatDiagnostic,
} from './errors.js';
export type { Diagnostic, SubplanErrorCode } from './errors.js';
export { systemClock, isoTime, parseDuration, formatDuration } from './time.js';
export type { Clock } from './time.js';
export { createRunId, PHASE_ID_PATTERN } from './ids.js';
export type { TaskOutcome, TaskStatus, FailureReason, CancelReason, RunStatus } from './outcome.js';
export type * from './events.js';
