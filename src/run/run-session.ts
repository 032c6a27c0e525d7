/**
 * One session of a run: drives the task graph through the scheduler, runs agent tasks on the
 * executor and merges on this thread, and records every step in the run store. A new run starts
 * with `run-started`; a resumed one with `run-resumed` and the tasks it keeps, which are never run
 * again. Merges use `git merge-tree`, so no worktree and not the user's checkout is ever touched.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isoTime } from '../core/index.js';
import type { Clock, RunEvent, RunEventInput } from '../core/index.js';
import { agentArgvTemplate } from '../agents/index.js';
import { listCommitFiles, matchScope } from '../decompose/index.js';
import type { Executor } from '../execute/index.js';
import {
  pruneWorktrees,
  removeWorktree,
  resultBranch,
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
import type { RunPaths, RunState } from '../state/index.js';
import { RESULT_TASK } from './build-task-graph.js';
import { commitCachedResult, rememberResult } from './cached-result.js';
import { mergeOntoBranch } from './merge-task.js';
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

  constructor(context: RunSessionContext) {
    this.#context = context;
    this.#store = new RunStore(context.paths);
    this.#cache = new ResultCache(context.paths.stateDir);
    this.#phases = new Map(context.plan.phases.map((phase) => [phase.id, phase]));
  }

  async execute(startedAt: number, resume?: ResumeSeed): Promise<RunSummary> {
    const { plan, graph, maxParallel } = this.#context;
    const dirty = await hasUncommittedChanges(this.#context.repo);
    const fingerprints = {
      plan_fingerprint: planFingerprint(plan, this.#context.baseCommit),
      phase_fingerprints: phaseFingerprints(plan),
    };
    if (resume) {
      this.#store.adopt(resume.state);
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
    for (const message of this.#context.warnings) this.#emit({ type: 'warning', message });
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
      ...(this.#context.signal && { signal: this.#context.signal }),
      ...(this.#context.retryDelayMs && { retryDelayMs: this.#context.retryDelayMs }),
      retriesOf: (task) => this.#phase(task.phase).agent.retries,
      runner: {
        runAgent: (task, attempt, signal) => this.#runAgent(task, attempt, signal),
        runMerge: (task) => this.#runMerge(task),
      },
      onQueued: (task) =>
        this.#emit({ type: 'task-queued', task: task.id, phase: task.phase, kind: task.kind }),
      onRetry: (task, failed, attempt, delayMs) => {
        if (failed.startedAt !== undefined && failed.finishedAt !== undefined) {
          this.#failedAttempts.push({ start: failed.startedAt, end: failed.finishedAt });
        }
        const reason =
          failed.outcome.status === 'failed' ? failed.outcome.message : failed.outcome.status;
        this.#emit({
          type: 'warning',
          task: task.id,
          message: `attempt ${attempt - 1} failed (${reason}); retrying in ${Math.round(delayMs)} ms`,
        });
      },
      onSettled: (task, settled) => this.#onSettled(task, settled),
    });
    for (const dir of this.#idleWorktrees.splice(0)) {
      await removeWorktree(this.#context.repo, dir).catch(() => undefined);
    }
    await pruneWorktrees(this.#context.repo);
    return this.#finish(startedAt);
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
    const key = this.#context.noCache
      ? undefined
      : cacheKey({
          phaseFingerprint: phaseFingerprint(phase),
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
    const result = await this.#context.executor.runAgentTask(
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
        argvTemplate: agentArgvTemplate(phase.agent.program),
        files,
        filesFile: join(paths.filesDir, `${task.id}.txt`),
        env: definedEntries(this.#context.env),
        logFile: paths.logFile(task.id),
        ...(phase.agent.timeoutMs !== undefined && { timeoutMs: phase.agent.timeoutMs }),
        ...(this.#context.killGraceMs !== undefined && { killGraceMs: this.#context.killGraceMs }),
        commitMessage: `subplan(${task.id}): ${firstLine(phase.prompt)}\n\nRun ${runId}, phase ${task.phase}.`,
      },
      {
        signal,
        onStarted: ({ startedAt }) =>
          this.#emitStarted(startedAt, task, { attempt, branch, worktree, baseCommit }),
        onSpawn: (pid) =>
          this.#emit({
            type: 'agent-spawned',
            task: task.id,
            phase: task.phase,
            pid,
            host: hostname(),
          }),
        onOutput: (stream, line) =>
          this.#emit({ type: 'task-output', task: task.id, phase: task.phase, stream, line }),
      },
    );
    if (result.outcome.status === 'succeeded') {
      // Only a worktree whose task succeeded is handed on; a failed one stays for inspection.
      this.#idleWorktrees.push(worktree);
      this.#commits.set(task.id, result.outcome.commit);
      if (key !== undefined) {
        await rememberResult(repo, this.#cache, key, {
          runId,
          taskId: task.id,
          commit: result.outcome.commit,
          nowMs: this.#context.clock.now(),
        });
      }
    }
    return result;
  }

  /** A cache hit: the earlier result's tree, committed on this task's base. No agent runs. */
  /** A cache hit: the earlier result's tree, committed on this task's base. No agent runs. */
  async #reuse(
    key: string,
    task: AgentTaskNode,
    attempt: number,
    baseCommit: string,
    branch: string,
  ): Promise<TaskAttempt | undefined> {
    const startedAt = this.#context.clock.now();
    const commit = await commitCachedResult(this.#context.repo, this.#cache, key, {
      id: task.id,
      baseCommit,
      branch,
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

  async #runMerge(task: MergeTaskNode): Promise<TaskAttempt> {
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
    const { outcome, existing } = await mergeOntoBranch(repo, branch, sources);
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
    });
    return { outcome, startedAt, finishedAt };
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
      interrupted: this.#context.signal?.aborted === true,
      startedAt,
      finishedAt: this.#context.clock.now(),
    });
    await recordDurations(paths.stateDir, plan.name, agentDurations(graph, this.#settled));
    await writeJsonAtomic(join(paths.runDir, 'summary.json'), summary);
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

  #emit(input: RunEventInput): void {
    this.#emitAt(this.#context.clock.now(), input);
  }

  #emitAt(ms: number, input: RunEventInput): void {
    const event = { ...input, ts: isoTime(ms), run_id: this.#context.runId } as RunEvent;
    this.#store.record(event);
    this.#context.onEvent?.(event);
  }
}

async function hasUncommittedChanges(repo: Repo): Promise<boolean> {
  const status = await repo.git(['status', '--porcelain', '--untracked-files=no']);
  return status.trim() !== '';
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 72 ? `${line.slice(0, 69)}...` : line;
}

function definedEntries(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temp, file);
}
