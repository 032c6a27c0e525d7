/**
 * One session of a run: drives the task graph through the scheduler, runs agent tasks on the
 * executor and merges on this thread, and records every step in the run store. A new run starts
 * with `run-started`; a resumed one with `run-resumed` and the tasks it keeps, which are never run
 * again. Merges use `git merge-tree` (a conflict resolver and verify work in worktrees of their
 * own), so the user's checkout is never touched.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { StateWriteError, definedEntries, isoTime } from '../core/index.js';
import type { Clock, RunEvent, RunEventInput } from '../core/index.js';
import { agentLaunch, missingEnvNames } from '../agents/index.js';
import { listCommitFiles, matchScope } from '../decompose/index.js';
import type { AgentTaskResult, Executor } from '../execute/index.js';
import {
  claimPooledWorktrees,
  poolWorktrees,
  pruneWorktrees,
  resultBranch,
  setBranch,
  taskBranch,
  worktreePath,
} from '../git/index.js';
import type { Repo } from '../git/index.js';
import type { PhaseDefinition } from '../plan/index.js';
import { runSchedule } from '../schedule/index.js';
import type {
  AgentTaskNode,
  MergeTaskNode,
  SettledTask,
  TaskAttempt,
  TaskGraph,
  TaskNode,
} from '../schedule/index.js';
import {
  ResultCache,
  RunStore,
  cacheKey,
  phaseFingerprint,
  phaseFingerprints,
  planFingerprint,
  recordDurations,
} from '../state/index.js';
import type { AgentCodeDigests, RunPaths, RunState } from '../state/index.js';
import { conflictResolver, outcomeAfterResolver } from './resolve-conflict.js';
import { verifyPhase } from './verify-phase.js';
import { RESULT_TASK } from './build-task-graph.js';
import { commitCachedResult, rememberResult } from './cached-result.js';
import { readAgentCode } from './agent-code.js';
import { AgentReports } from './agent-reports.js';
import { firstLine, launchFields, scopeOf, withScope } from './agent-request.js';
import { CheckoutWatch } from './checkout-watch.js';
import { findCopyFiles } from './copy-files.js';
import { AgentRetries } from './agent-retries.js';
import { mergeOntoBranch } from './merge-task.js';
import { RunRefGuard, blameMovedRefs } from './run-ref-guard.js';
import type { RunPlanOptions } from './run-plan.js';
import type { RunSummary } from './run-summary.js';
import { agentDurations, describeOutcome, summarizeRun } from './summarize-run.js';

/** What a resumed session starts from. */
export interface ResumeSeed {
  /** The state the run was left in. */
  readonly state: RunState;
  /** Tasks whose results stand, with their outcome as recorded. */
  readonly kept: ReadonlyMap<string, SettledTask & { readonly branch: string | null }>;
}

export interface RunSessionContext extends RunPlanOptions {
  readonly repo: Repo;
  readonly baseCommit: string;
  readonly runId: string;
  readonly paths: RunPaths;
  readonly maxParallel: number;
  readonly graph: TaskGraph;
  readonly executor: Executor;
  readonly clock: Clock;
  readonly warnings: readonly string[];
}

export class RunSession {
  readonly #context: RunSessionContext;
  readonly #store: RunStore;
  readonly #cache: ResultCache;
  readonly #phases: Map<string, PhaseDefinition>;
  readonly #commits = new Map<string, string>();
  readonly #branches = new Map<string, string>();
  readonly #settled = new Map<string, SettledTask>();
  /** Worktrees of succeeded tasks, ready for the next task; removed when the run ends. */
  readonly #idleWorktrees: string[] = [];
  #worktreeCount = 0;
  /** Tasks a resumed run keeps from its earlier sessions. */
  #kept: ReadonlySet<string> = new Set();
  /** The worktree each task last ran in. */
  readonly #taskWorktrees = new Map<string, string>();
  /** Intervals of failed attempts that were retried: they held slots too. */
  readonly #failedAttempts: { start: number; end: number }[] = [];
  /** What agents reported per task in this session (cost over all attempts), and the budget. */
  #reports: AgentReports;
  readonly #retries: AgentRetries;
  /** The setup each recycled worktree has already run, when it can be reused. */
  readonly #worktreeSetups = new Map<string, string>();
  readonly #copyFiles = new Map<string, Promise<string[]>>();
  /** Digests of the files each phase's agents run, read once at the start. */
  #agentCode: AgentCodeDigests = {};
  /** Per phase with a verify gate: this run's agent results, cached once the gate passes. */
  readonly #unverified = new Map<string, { key: string; taskId: string; commit: string }[]>();
  readonly #checkout: CheckoutWatch;
  readonly #refs: RunRefGuard;
  /** Aborted when the run's record cannot be written: the run stops rather than go on unrecorded. */
  readonly #recordFailed = new AbortController();

  constructor(context: RunSessionContext) {
    this.#context = context;
    this.#store = new RunStore(context.paths, {
      onWriteFailure: () => this.#recordFailed.abort('interrupted'),
    });
    this.#cache = new ResultCache(context.paths.stateDir);
    this.#phases = new Map(context.plan.phases.map((phase) => [phase.id, phase]));
    this.#checkout = new CheckoutWatch(context.repo);
    this.#reports = new AgentReports(
      context.plan.budgetUsd === undefined ? {} : { budgetUsd: context.plan.budgetUsd },
    );
    this.#retries = new AgentRetries({
      agentOf: (task) => this.#phase(task.phase).agent,
      ...(context.retryDelayMs && { delayMs: context.retryDelayMs }),
    });
    this.#refs = new RunRefGuard(context.repo, context.runId);
  }

  async execute(startedAt: number, resume?: ResumeSeed): Promise<RunSummary> {
    const { plan, graph, maxParallel, repo, runId } = this.#context;
    // Independent looks at the repository, side by side: each is a git process or two, and
    // together they were most of the wait before the first agent started.
    const [{ dirty }, , pooled] = await Promise.all([
      this.#checkout.start(),
      this.#refs.start(),
      // Worktrees an earlier run left in the pool go first: resetting one writes what differs.
      claimPooledWorktrees(repo, runId, maxParallel),
    ]);
    this.#idleWorktrees.push(...pooled);
    const code = await readAgentCode(plan, repo.root);
    this.#agentCode = code.phases;
    const fingerprints = {
      plan_fingerprint: planFingerprint(plan, this.#context.baseCommit, code.phases),
      phase_fingerprints: phaseFingerprints(plan, code.phases),
    };
    if (resume) {
      this.#store.adopt(resume.state);
      this.#reports = new AgentReports({
        ...(this.#context.plan.budgetUsd !== undefined && {
          budgetUsd: this.#context.plan.budgetUsd,
        }),
        spentBeforeUsd: resume.state.tasks.reduce((sum, task) => sum + (task.cost_usd ?? 0), 0),
      });
      this.#kept = new Set(resume.kept.keys());
      for (const [id, kept] of resume.kept) {
        this.#settled.set(id, kept);
        if (kept.outcome.status === 'succeeded') this.#commits.set(id, kept.outcome.commit);
        if (kept.branch) this.#branches.set(id, kept.branch);
      }
      this.#emit({
        type: 'run-resumed',
        kept: graph
          .tasks()
          .filter((task) => resume.kept.has(task.id))
          .map((task) => task.id),
        rerun: graph
          .tasks()
          .filter((task) => !resume.kept.has(task.id))
          .map((task) => task.id),
        max_parallel: maxParallel,
        ...fingerprints,
      });
    } else {
      this.#emit({
        type: 'run-started',
        plan: plan.name,
        plan_file: plan.file,
        repo: this.#context.repo.root,
        base_commit: this.#context.baseCommit,
        max_parallel: maxParallel,
        ...(this.#context.noCache === true && { no_cache: true }),
        ...fingerprints,
        task_count: graph.size,
        tasks: graph.tasks().map((task) => ({
          id: task.id,
          phase: task.phase,
          kind: task.kind,
          depends_on: graph.dependencies(task.id),
        })),
      });
    }
    for (const message of [
      ...this.#context.warnings,
      ...this.#environmentWarnings(),
      ...code.notes,
    ])
      this.#emit({ type: 'warning', message });
    if (dirty) {
      this.#emit({
        type: 'warning',
        message: `your checkout has uncommitted changes; the run starts from ${plan.base} (${this.#context.baseCommit.slice(0, 10)}) and neither uses nor touches them`,
      });
    }
    await runSchedule({
      graph,
      maxParallel,
      ...(resume && { completed: resume.kept }),
      failurePolicy: this.#context.failFast ? 'fail-fast' : plan.onFailure,
      signal: this.#context.signal
        ? AbortSignal.any([this.#context.signal, this.#recordFailed.signal])
        : this.#recordFailed.signal,
      // A failed verify gate is the phase's result, not a flaky attempt: running the agent again
      // would only pay for the same work.
      retryAfter: (task, failed) =>
        failed.outcome.status === 'failed' && failed.outcome.reason === 'verify-failed'
          ? undefined
          : this.#retries.delayAfter(task, failed),
      haltReason: () =>
        this.#reports.budgetSpent((message) => this.#emit({ type: 'warning', message }))
          ? 'budget'
          : undefined,
      ...(this.#context.readyOrder && { readyOrder: this.#context.readyOrder }),
      runner: {
        runAgent: async (task, attempt, signal) =>
          this.#verify(task, await this.#runAgent(task, attempt, signal), signal),
        runMerge: async (task, signal) =>
          this.#verify(task, await this.#runMerge(task, signal), signal),
      },
      onQueued: (task) =>
        this.#emit({ type: 'task-queued', task: task.id, phase: task.phase, kind: task.kind }),
      onRetry: (task, failed, attempt, delayMs) => {
        if (failed.startedAt !== undefined && failed.finishedAt !== undefined) {
          this.#failedAttempts.push({ start: failed.startedAt, end: failed.finishedAt });
        }
        const reason =
          failed.outcome.status === 'failed' ? failed.outcome.message : failed.outcome.status;
        const retrying = `retrying in ${Math.round(delayMs)} ms`;
        const left = this.#retries.rateLimitRetriesLeft(task);
        const message = this.#retries.wasRateLimited(task.id)
          ? `attempt ${attempt - 1} was rate-limited (${reason}); it does not count as a failure; ${retrying}, then at most ${left} more rate-limit wait${left === 1 ? '' : 's'} (\`rate_limit: { retries: 0 }\` turns them off)`
          : `attempt ${attempt - 1} failed (${reason}); ${retrying}`;
        this.#emit({ type: 'warning', task: task.id, retry_in_ms: Math.round(delayMs), message });
      },
      onSettled: (task, settled) => this.#onSettled(task, settled),
    });
    const checkoutChanged = await this.#checkout.finish();
    if (checkoutChanged) this.#emit({ type: 'warning', message: checkoutChanged });
    const failure = this.#store.failure;
    if (failure !== undefined) {
      await this.#poolIdleWorktrees();
      throw new StateWriteError({
        runId: this.#context.runId,
        path: this.#context.paths.runDir,
        cause: failure,
      });
    }
    // The run ends when its result is there: the summary and `run-finished` come first, and the
    // makespan does not count putting away the worktrees, which is housekeeping.
    const summary = await this.#finish(startedAt);
    await this.#poolIdleWorktrees();
    return summary;
  }

  /**
   * Idle worktrees go to the pool for the next run, up to max_parallel of them; `subplan clean`
   * empties it. Failed tasks' worktrees stay where they are, for inspection.
   */
  async #poolIdleWorktrees(): Promise<void> {
    const { repo, runId, maxParallel } = this.#context;
    await poolWorktrees(repo, runId, this.#idleWorktrees.splice(0), maxParallel);
    await pruneWorktrees(repo);
  }

  async #runAgent(task: AgentTaskNode, attempt: number, signal: AbortSignal): Promise<TaskAttempt> {
    const { repo, runId, paths } = this.#context;
    const phase = this.#phase(task.phase);
    const baseCommit =
      task.startFrom === null ? this.#context.baseCommit : this.#commitOf(task.startFrom);
    const branch = taskBranch(runId, task.id);
    this.#branches.set(task.id, branch);
    const files =
      task.files ??
      matchScope(await listCommitFiles(repo, baseCommit), phase.files).map((file) => file.path);
    if (
      task.startFrom !== null &&
      task.files === undefined &&
      phase.files.length > 0 &&
      files.length === 0 &&
      attempt === 1
    )
      this.#emit({
        type: 'warning',
        task: task.id,
        message: `phase \`${phase.id}\`: its files (${phase.files.join(', ')}) match no file of its dependencies' merged result; its agent gets an empty file list`,
      });
    const key = this.#context.noCache
      ? undefined
      : cacheKey({
          phaseFingerprint: phaseFingerprint(phase, this.#agentCode[phase.id]),
          taskId: task.id,
          files,
          inputTree: (await repo.git(['rev-parse', `${baseCommit}^{tree}`])).trim(),
        });
    const reused =
      key === undefined ? undefined : await this.#reuse(key, task, attempt, baseCommit, branch);
    if (reused) return reused;
    // A worktree a finished task left behind is reset for this one: only the files that differ
    // are written, where a new worktree writes every file of the repository.
    // A retry continues in its task's own worktree, which still holds the task's branch.
    const recycled = this.#taskWorktrees.get(task.id) ?? this.#idleWorktrees.pop();
    const worktree = recycled ?? worktreePath(repo, runId, `w${++this.#worktreeCount}`);
    this.#taskWorktrees.set(task.id, worktree);
    const launch = agentLaunch(phase.agent);
    const setupKey = JSON.stringify([phase.setup.commands, phase.setup.copy]);
    const hasSetup = phase.setup.commands.length > 0 || phase.setup.copy.length > 0;
    this.#refs.agentStarted(task.id, branch);
    const ran = await this.#context.executor.runAgentTask(
      {
        runId,
        taskId: task.id,
        phase: task.phase,
        prompt: phase.prompt,
        repo: { root: repo.root, commonDir: repo.commonDir, config: repo.config },
        worktree,
        reuseWorktree: recycled !== undefined,
        branch,
        baseCommit,
        ...launchFields(launch),
        files,
        filesFile: join(paths.filesDir, `${task.id}.txt`),
        env: definedEntries(this.#context.env),
        ...(phase.agent.retryOn && { retryOutput: phase.agent.retryOn.output }),
        ...(hasSetup && {
          setup: {
            commands: phase.setup.commands,
            copyFrom: repo.root,
            copyFiles: await this.#copyFilesOf(phase),
            alreadyDone: recycled !== undefined && this.#worktreeSetups.get(worktree) === setupKey,
          },
        }),
        ...withScope(scopeOf(phase, task.files)),
        logFile: paths.logFile(task.id),
        ...(phase.agent.timeoutMs !== undefined && { timeoutMs: phase.agent.timeoutMs }),
        ...(this.#context.killGraceMs !== undefined && { killGraceMs: this.#context.killGraceMs }),
        ...(this.#context.maxOutputBytes !== undefined && {
          maxOutputBytes: this.#context.maxOutputBytes,
        }),
        commitMessage: `subplan(${task.id}): ${firstLine(phase.prompt)}\n\nRun ${runId}, phase ${task.phase}.`,
      },
      {
        signal,
        onStarted: ({ startedAt }) =>
          this.#emitStarted(startedAt, task, { attempt, branch, worktree, baseCommit }),
        onSpawn: (pid) => this.#emitSpawned(task, pid),
        onOutput: (stream, line) =>
          this.#emit({ type: 'task-output', task: task.id, phase: task.phase, stream, line }),
      },
    );
    const result = blameMovedRefs(
      task.id,
      this.#diskFullStops(task, ran),
      await this.#refs.agentEnded(task.id),
      (message) => this.#emit({ type: 'warning', task: task.id, message }),
    );
    const checkoutChanged = await this.#checkout.agentEnded(task.id);
    if (checkoutChanged) this.#emit({ type: 'warning', message: checkoutChanged });
    if (result.setupReusable) this.#worktreeSetups.set(worktree, setupKey);
    else this.#worktreeSetups.delete(worktree);
    const strayed = this.#reports.note(task.id, result);
    if (strayed) this.#emit({ type: 'warning', task: task.id, message: strayed });
    this.#retries.noteAttempt(task.id, result);
    if (result.outcome.status === 'succeeded') {
      // Only a worktree whose task succeeded is handed on; a failed one stays for inspection.
      this.#idleWorktrees.push(worktree);
      this.#commits.set(task.id, result.outcome.commit);
      if (key !== undefined) {
        const entry = { key, taskId: task.id, commit: result.outcome.commit };
        // A phase with a verify gate is remembered only once the gate passes: a result that
        // failed it must not come back from the cache when the task runs again.
        if (phase.verify) this.#unverified.set(phase.id, [...this.#unverifiedOf(phase.id), entry]);
        else await this.#remember(entry);
      }
    }
    return result;
  }

  async #remember(entry: { key: string; taskId: string; commit: string }): Promise<void> {
    await rememberResult(this.#context.repo, this.#cache, entry.key, {
      runId: this.#context.runId,
      taskId: entry.taskId,
      commit: entry.commit,
      nowMs: this.#context.clock.now(),
    });
  }

  #unverifiedOf(phaseId: string): { key: string; taskId: string; commit: string }[] {
    return this.#unverified.get(phaseId) ?? [];
  }

  /**
   * A log that could not be written for a full disk is the machine's fault, not the agent's: the
   * run stops as when its record cannot be written, and the task is interrupted, not failed, so a
   * resume runs it again. Whether the log or the events file meets the full disk first is chance.
   */
  #diskFullStops(task: AgentTaskNode, ran: AgentTaskResult): AgentTaskResult {
    if (ran.noSpace === undefined) return ran;
    this.#store.failWith(new Error(`${ran.noSpace} (the log of task ${task.id})`));
    return { ...ran, outcome: { status: 'cancelled', reason: 'interrupted' } };
  }

  #copyFilesOf(phase: PhaseDefinition): Promise<string[]> {
    let files = this.#copyFiles.get(phase.id);
    if (!files) {
      files = findCopyFiles(this.#context.repo.root, phase.setup.copy);
      this.#copyFiles.set(phase.id, files);
    }
    return files;
  }

  /** Variables an agent definition names that subplan's environment does not have. */
  #environmentWarnings(): string[] {
    const named = new Set(this.#context.plan.phases.flatMap((phase) => phase.agent.envPass));
    const missing = missingEnvNames(this.#context.env, [...named]);
    return missing.length === 0
      ? []
      : [`agents are to get ${missing.join(', ')}, but subplan's environment does not set them`];
  }

  /** A cache hit: the earlier result's tree, committed on this task's base. No agent runs. */
  async #reuse(
    key: string,
    task: AgentTaskNode,
    attempt: number,
    baseCommit: string,
    branch: string,
  ): Promise<TaskAttempt | undefined> {
    const startedAt = this.#context.clock.now();
    const commit = await this.#refs.exclusive(async () => {
      const made = await commitCachedResult(this.#context.repo, this.#cache, key, {
        id: task.id,
        baseCommit,
        branch,
      });
      if (made !== undefined) this.#refs.recordBranch(branch, made);
      return made;
    });
    if (commit === undefined) return undefined;
    this.#emitStarted(startedAt, task, { attempt, branch, worktree: '', baseCommit });
    this.#commits.set(task.id, commit);
    return {
      outcome: { status: 'succeeded', commit },
      cached: true,
      startedAt,
      finishedAt: this.#context.clock.now(),
    };
  }

  #emitStarted(
    ms: number,
    task: AgentTaskNode,
    at: { attempt: number; branch: string; worktree: string; baseCommit: string },
  ): void {
    this.#emitAt(ms, {
      type: 'task-started',
      task: task.id,
      phase: task.phase,
      attempt: at.attempt,
      branch: at.branch,
      worktree: at.worktree,
      base_commit: at.baseCommit,
    });
  }

  async #runMerge(task: MergeTaskNode, signal: AbortSignal): Promise<TaskAttempt> {
    const { repo, runId } = this.#context;
    const branch = task.id === RESULT_TASK ? resultBranch(runId) : taskBranch(runId, task.id);
    this.#branches.set(task.id, branch);
    const startedAt = this.#context.clock.now();
    this.#emit({
      type: 'merge-started',
      task: task.id,
      phase: task.phase,
      branch,
      sources: task.sources,
    });
    const sources = task.sources.map((source) => ({
      label: source,
      commit: this.#commitOf(source),
    }));
    // The coordinator's ref changes and the check of agents' refs take turns (see RunRefGuard).
    const merged = await this.#refs.exclusive(async () => {
      const result = await mergeOntoBranch(
        repo,
        branch,
        sources,
        this.#resolverFor(task, branch, signal),
      );
      if (result.outcome.status === 'succeeded')
        this.#refs.recordBranch(branch, result.outcome.commit);
      return result;
    });
    const { existing, resolved } = merged;
    const outcome = outcomeAfterResolver(merged.outcome, signal);
    if (existing) {
      this.#emit({
        type: 'warning',
        task: task.id,
        message: `using ${branch} as it is: it already contains ${task.sources.join(', ')}`,
      });
    }
    if (outcome.status === 'succeeded') this.#commits.set(task.id, outcome.commit);
    const finishedAt = this.#context.clock.now();
    this.#emit({
      type: 'merge-finished',
      task: task.id,
      phase: task.phase,
      branch,
      outcome,
      duration_ms: Math.round(finishedAt - startedAt),
      ...(resolved && resolved.length > 0 && { resolved_conflicts: resolved }),
    });
    return { outcome, startedAt, finishedAt };
  }

  /**
   * A phase's root task (the one carrying the phase's id) has succeeded: its verify gate runs
   * before the task settles, so no dependent starts from an unverified result.
   */
  async #verify(task: TaskNode, attempt: TaskAttempt, signal: AbortSignal): Promise<TaskAttempt> {
    const phase = this.#phases.get(task.id);
    if (phase?.verify === undefined || attempt.outcome.status !== 'succeeded') return attempt;
    const { repo, runId, paths } = this.#context;
    const outcome = await verifyPhase({
      repo,
      runId,
      phase,
      gate: phase.verify,
      commit: attempt.outcome.commit,
      env: definedEntries(this.#context.env),
      logFile: paths.logFile(task.id),
      filesDir: paths.filesDir,
      signal,
      ...(this.#context.killGraceMs !== undefined && { killGraceMs: this.#context.killGraceMs }),
      now: () => this.#context.clock.now(),
      emit: (event) => this.#emit(event),
      onSpawn: (pid) => this.#emitSpawned(task, pid),
    });
    const unverified = this.#unverifiedOf(phase.id);
    this.#unverified.delete(phase.id);
    if (outcome.status === 'succeeded') {
      for (const entry of unverified) await this.#remember(entry);
      // The fix agent's repair is the phase's result: its branch and its dependents get it.
      if (outcome.commit !== attempt.outcome.commit) {
        const fixed = outcome.commit;
        const branch = taskBranch(runId, task.id);
        await this.#refs.exclusive(async () => {
          await setBranch(repo, branch, fixed);
          this.#refs.recordBranch(branch, fixed);
        });
      }
      this.#commits.set(task.id, outcome.commit);
    } else {
      this.#commits.delete(task.id);
    }
    // An agent task keeps its agent's times: they are what the workers' peak counter saw, and the
    // two peaks must agree. verify-finished carries the verify's own duration.
    return task.kind === 'agent'
      ? { ...attempt, outcome }
      : { ...attempt, outcome, finishedAt: this.#context.clock.now() };
  }

  /** The resolver agent for a merge task's conflicts, when the plan has one. */
  #resolverFor(task: MergeTaskNode, branch: string, signal: AbortSignal) {
    const { plan, repo, runId, paths } = this.#context;
    if (plan.merge?.onConflict !== 'agent') return undefined;
    return conflictResolver({
      repo,
      runId,
      taskId: task.id,
      phase: task.phase,
      branch,
      resolver: plan.merge.resolver,
      env: definedEntries(this.#context.env),
      logFile: paths.logFile(task.id),
      filesDir: paths.filesDir,
      signal,
      ...(this.#context.killGraceMs !== undefined && { killGraceMs: this.#context.killGraceMs }),
      onWarning: (message) => this.#emit({ type: 'warning', task: task.id, message }),
      onSpawn: (pid) => this.#emitSpawned(task, pid),
      onOutput: (stream, line) =>
        this.#emit({ type: 'task-output', task: task.id, phase: task.phase, stream, line }),
    });
  }

  #onSettled(task: TaskNode, settled: SettledTask): void {
    this.#settled.set(task.id, settled);
    const duration =
      settled.startedAt !== undefined && settled.finishedAt !== undefined
        ? Math.round(settled.finishedAt - settled.startedAt)
        : undefined;
    this.#emitAt(settled.finishedAt ?? this.#context.clock.now(), {
      type: 'task-finished',
      task: task.id,
      phase: task.phase,
      kind: task.kind,
      attempt: settled.attempts,
      outcome: settled.outcome,
      reason: describeOutcome(settled.outcome),
      ...(settled.cached && { cached: true }),
      ...(settled.startedAt !== undefined && { started_at: isoTime(settled.startedAt) }),
      ...(duration !== undefined && { duration_ms: duration }),
      ...this.#reports.of(task.id),
    });
  }

  async #finish(startedAt: number): Promise<RunSummary> {
    const { graph, runId, maxParallel, paths, plan } = this.#context;
    const summary = summarizeRun({
      graph,
      runId,
      plan: plan.name,
      baseCommit: this.#context.baseCommit,
      maxParallel,
      settled: this.#settled,
      branches: this.#branches,
      failedAttempts: this.#failedAttempts,
      kept: this.#kept,
      probePeak: this.#context.executor.peakConcurrency(),
      reports: this.#reports.all,
      interrupted: this.#context.signal?.aborted === true,
      startedAt,
      finishedAt: this.#context.clock.now(),
    });
    await recordDurations(paths.stateDir, plan.name, agentDurations(graph, this.#settled));
    await writeFileAtomic(
      join(paths.runDir, 'summary.json'),
      `${JSON.stringify(summary, null, 2)}\n`,
    );
    this.#emit({
      type: 'run-finished',
      status: summary.status,
      result_branch: summary.result_branch,
      peak_concurrency: summary.peak_concurrency,
      makespan_ms: summary.makespan_ms,
    });
    await this.#store.flush();
    return summary;
  }

  #phase(id: string): PhaseDefinition {
    const phase = this.#phases.get(id);
    if (!phase) throw new Error(`no phase ${id}`);
    return phase;
  }

  #commitOf(taskId: string): string {
    const commit = this.#commits.get(taskId);
    if (!commit) throw new Error(`task ${taskId} has no commit yet`);
    return commit;
  }

  /** The agent's process group exists: `resume` kills it if this coordinator dies. */
  #emitSpawned(task: TaskNode, pid: number): void {
    this.#emit({ type: 'agent-spawned', task: task.id, phase: task.phase, pid, host: hostname() });
  }

  #emit(input: RunEventInput): void {
    this.#emitAt(this.#context.clock.now(), input);
  }

  #emitAt(ms: number, input: RunEventInput): void {
    const event = { ...input, ts: isoTime(ms), run_id: this.#context.runId } as RunEvent;
    this.#store.record(event);
    this.#context.onEvent?.(event);
  }
}
