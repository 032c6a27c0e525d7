/**
 * Typed errors. Every `SubplanError` is something a person can act on; the CLI prints its
 * message and exits with its `exitCode`. Anything else reaching the CLI is a bug.
 */

/** A position in a user's file, 1-based. */
export interface Diagnostic {
  readonly file: string;
  /** 1-based line, absent when the problem has no position (an unreadable file). */
  readonly line?: number;
  /** 1-based column. */
  readonly col?: number;
  readonly message: string;
}

/** Formats a diagnostic as `file:line:col: message` (or `file: message` without a position). */
export function formatDiagnostic(d: Diagnostic): string {
  return d.line === undefined
    ? `${d.file}: ${d.message}`
    : `${d.file}:${d.line}:${d.col ?? 1}: ${d.message}`;
}

export type SubplanErrorCode =
  | 'plan-invalid'
  | 'usage'
  | 'repo-invalid'
  | 'git-failed'
  | 'git-locked'
  | 'run-not-found'
  | 'run-locked'
  | 'scope-empty'
  | 'plan-changed'
  | 'state-corrupt'
  | 'state-write-failed'
  | 'redis-unavailable';

export abstract class SubplanError extends Error {
  abstract readonly code: SubplanErrorCode;
  abstract readonly exitCode: number;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A plan file with one or more mistakes; `diagnostics` lists every one of them. */
export class PlanError extends SubplanError {
  readonly code = 'plan-invalid';
  readonly exitCode = 2;
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.diagnostics = diagnostics;
  }
}

/** Bad flags or arguments on the command line. */
export class UsageError extends SubplanError {
  readonly code = 'usage';
  readonly exitCode = 2;
}

/** The directory given as a repository is not one, or a ref does not resolve. */
export class RepoError extends SubplanError {
  readonly code = 'repo-invalid';
  readonly exitCode = 2;
  readonly repoDir: string;
  constructor(message: string, options: { repoDir: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.repoDir = options.repoDir;
  }
}

/** A git command failed where no failure was expected. */
export class GitError extends SubplanError {
  readonly code = 'git-failed';
  readonly exitCode = 1;
  readonly args: readonly string[];
  readonly stderr: string;
  constructor(options: { args: readonly string[]; stderr: string; cause?: unknown }) {
    super(`git ${options.args.join(' ')} failed: ${options.stderr.trim()}`, {
      cause: options.cause,
    });
    this.args = options.args;
    this.stderr = options.stderr;
  }
}

/** A git command kept failing because another process holds (or a dead one left) a lock file. */
export class GitLockedError extends SubplanError {
  readonly code = 'git-locked';
  readonly exitCode = 1;
  readonly args: readonly string[];
  readonly lockFile: string;
  constructor(options: { args: readonly string[]; lockFile: string; tries: number }) {
    super(
      `git ${options.args.join(' ')} failed ${options.tries} times: ${options.lockFile} exists. Another git process is using the repository, or one stopped and left the file; if no git is running, remove it`,
    );
    this.args = options.args;
    this.lockFile = options.lockFile;
  }
}

/** No run with that id (or unique prefix) exists in the repository. */
export class RunNotFoundError extends SubplanError {
  readonly code = 'run-not-found';
  readonly exitCode = 2;
  readonly runId: string;
  constructor(runId: string, detail = '') {
    super(`no run matches \`${runId}\`${detail}`);
    this.runId = runId;
  }
}

/** A phase that must be decomposed has no files in its scope at the run's base. */
export class EmptyScopeError extends SubplanError {
  readonly code = 'scope-empty';
  readonly exitCode = 2;
  readonly phase: string;
  readonly globs: readonly string[];
  constructor(options: {
    phase: string;
    globs: readonly string[];
    base: string;
    hints?: readonly string[];
  }) {
    super(
      `phase \`${options.phase}\` is decomposed, but its files (${options.globs.join(', ') || 'all files'}) match no file at ${options.base}${(options.hints ?? []).map((hint) => `; ${hint}`).join('')}`,
    );
    this.phase = options.phase;
    this.globs = options.globs;
  }
}

/** Another process owns the run; `holderPid`/`holderHost` say which, when it could be read. */
export class RunLockedError extends SubplanError {
  readonly code = 'run-locked';
  readonly exitCode = 2;
  readonly runId: string;
  readonly holderPid: number | null;
  readonly holderHost: string | null;
  constructor(options: { runId: string; holderPid: number | null; holderHost: string | null }) {
    const who =
      options.holderPid === null
        ? 'another process'
        : `process ${options.holderPid}${options.holderHost ? ` on ${options.holderHost}` : ''}`;
    super(`run ${options.runId} is in use by ${who}; wait for it to finish or stop it first`);
    this.runId = options.runId;
    this.holderPid = options.holderPid;
    this.holderHost = options.holderHost;
  }
}

/** `resume` was given a plan that differs from the one that started the run. */
export class PlanChangedError extends SubplanError {
  readonly code = 'plan-changed';
  readonly exitCode = 2;
  readonly runId: string;
  /** Phase ids that were changed, added or removed. */
  readonly phases: readonly string[];
  constructor(options: { runId: string; phases: readonly string[]; baseChanged: boolean }) {
    const what =
      options.phases.length > 0
        ? `phases changed: ${options.phases.join(', ')}`
        : 'plan settings changed';
    super(
      `the plan of run ${options.runId} has changed since it started (${what}); ` +
        'pass --allow-plan-mismatch to keep the tasks that did not change and run the rest again',
    );
    this.runId = options.runId;
    this.phases = options.phases;
  }
}

/** A run's state file could not be trusted; it was moved aside so nothing is lost. */
export class StateCorruptError extends SubplanError {
  readonly code = 'state-corrupt';
  readonly exitCode = 2;
  readonly path: string;
  readonly movedTo: string;
  constructor(options: { runId: string; path: string; movedTo: string; detail: string }) {
    super(
      `the state of run ${options.runId} is unreadable (${options.detail}); it was moved to ${options.movedTo}. ` +
        `Run \`subplan resume ${options.runId} --reset-state\` to rebuild it from the run's events and branches and run the rest again`,
    );
    this.path = options.path;
    this.movedTo = options.movedTo;
  }
}

/**
 * The run's record (events, state, a log) could not be written: a full disk, most often. The run
 * stops at once, because going on would lose what it did; what was written is whole, so it resumes.
 */
export class StateWriteError extends SubplanError {
  readonly code = 'state-write-failed';
  readonly exitCode = 4;
  readonly runId: string;
  readonly path: string;
  constructor(options: { runId: string; path: string; cause: unknown }) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `run ${options.runId} stopped: its record in ${options.path} could not be written (${why}). ` +
        `Agents were stopped; free space, then run \`subplan resume ${options.runId}\` to go on`,
      { cause: options.cause },
    );
    this.runId = options.runId;
    this.path = options.path;
  }
}

/** The Redis server given with `--redis` cannot be reached; nothing was started. */
export class RedisUnavailableError extends SubplanError {
  readonly code = 'redis-unavailable';
  readonly exitCode = 2;
  readonly url: string;
  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    super(`cannot reach Redis at ${url}: ${detail}`, options);
    this.url = url;
  }
}
