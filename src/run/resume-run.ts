/**
 * Continuing a stopped run (Ctrl-C, a crash, `kill -9`, a failed task fixed by hand). The run
 * keeps its id, base commit and record; tasks that succeeded, whose phase did not change and
 * whose inputs all stand are kept and never run again; everything else runs again from a fresh
 * worktree. Agents left running by a coordinator that died are killed first, so two agents never
 * work on the same task.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PlanChangedError, StateCorruptError, UsageError } from '../core/index.js';
import { PiscinaExecutor } from '../execute/index.js';
import { gitStatus, openRepo, pruneWorktrees, removeRunWorktrees } from '../git/index.js';
import type { Repo } from '../git/index.js';
import { loadPlan } from '../plan/index.js';
import type { FindProgram } from '../plan/index.js';
import type { SettledTask, TaskGraph } from '../schedule/index.js';
import {
  acquireRunLock,
  phaseFingerprints,
  quarantineBadState,
  planFingerprint,
  readDurationHistory,
  runPaths,
} from '../state/index.js';
import type { RunState } from '../state/index.js';
import { killOrphans } from './kill-orphans.js';
import { prepareGraph } from './prepare-graph.js';
import { findRunPaths, readRun } from './read-run.js';
import type { RunPlanOptions } from './run-plan.js';
import { readAgentCode } from './agent-code.js';
import { RunSession } from './run-session.js';
import type { ResumeSeed } from './run-session.js';
import type { RunSummary } from './run-summary.js';

export interface ResumeRunOptions extends Omit<RunPlanOptions, 'plan'> {
  /** Run id or a unique prefix. */
  readonly runId: string;
  /** Keep unchanged tasks of a plan that changed instead of refusing. @default false */
  readonly allowPlanMismatch?: boolean;
  /** Rebuild an unreadable state file from the run's events instead of stopping. @default false */
  readonly resetState?: boolean;
  /** Checks the agents' programs before anything runs again; absent means they are not. */
  readonly findProgram?: FindProgram;
}

export async function resumeRun(options: ResumeRunOptions): Promise<RunSummary> {
  const found = await findRunPaths(options.repoDir, options.runId);
  const bad = await quarantineBadState(found.paths, Date.now());
  // A state file moved aside by an earlier refusal still needs the person's word to rebuild.
  const earlier = bad
    ? undefined
    : readdirSync(found.paths.runDir).find((name) => name.startsWith('state.json.corrupt-'));
  if (earlier !== undefined && !existsSync(found.paths.stateFile) && !options.resetState) {
    throw new StateCorruptError({
      runId: found.runId,
      path: found.paths.stateFile,
      movedTo: join(found.paths.runDir, earlier),
      detail: 'it was found unreadable before',
    });
  }
  if (bad && !options.resetState) {
    throw new StateCorruptError({
      runId: found.runId,
      path: found.paths.stateFile,
      movedTo: bad.movedTo,
      detail: bad.detail,
    });
  }
  const { state } = await readRun(options.repoDir, found.runId);
  if (state.status === 'succeeded')
    throw new UsageError(`run ${state.run_id} already succeeded; there is nothing to resume`);
  const repo = await openRepo(options.repoDir);
  const plan = await loadPlan(
    state.plan_file,
    options.findProgram ? { findProgram: options.findProgram } : {},
  );
  const baseCommit = state.base_commit;
  const code = await readAgentCode(plan, repo.root);
  const changed = changedPhases(state, phaseFingerprints(plan, code.phases));
  if (
    planFingerprint(plan, baseCommit, code.phases) !== state.plan_fingerprint &&
    !options.allowPlanMismatch
  ) {
    throw new PlanChangedError({ runId: state.run_id, phases: changed, baseChanged: false });
  }
  const paths = runPaths(repo.root, state.run_id);
  const lock = await acquireRunLock(paths.runDir, state.run_id);
  try {
    await killOrphans(state);
    const maxParallel = options.maxParallel ?? state.max_parallel;
    const history = await readDurationHistory(paths.stateDir, plan.name);
    const { graph, warnings } = await prepareGraph({ plan, repo, baseCommit, history });
    const kept = await keptTasks(repo, state, graph, new Set(changed));
    // Every task that runs again starts from a fresh worktree.
    await removeRunWorktrees(repo, state.run_id);
    await pruneWorktrees(repo);
    const executor =
      options.executor ??
      options.createExecutor?.({ maxParallel }) ??
      new PiscinaExecutor({ maxParallel });
    const session = new RunSession({
      ...options,
      // A run started without the cache goes on without it: its agents were to run, all of them.
      noCache: options.noCache === true || state.no_cache === true,
      plan,
      repo,
      baseCommit,
      runId: state.run_id,
      paths,
      maxParallel,
      graph,
      executor,
      clock: options.clock ?? { now: () => Date.now() },
      warnings,
    });
    try {
      const seed: ResumeSeed = { state, kept };
      return await session.execute(Date.parse(state.started_at), seed);
    } finally {
      if (!options.executor) await executor.close();
    }
  } finally {
    await lock.release();
  }
}

function changedPhases(state: RunState, now: Readonly<Record<string, string>>): string[] {
  const ids = new Set([...Object.keys(state.phase_fingerprints), ...Object.keys(now)]);
  return [...ids].filter((id) => state.phase_fingerprints[id] !== now[id]).sort();
}

/**
 * Tasks whose results stand: succeeded, in a phase that did not change, with the commit still in
 * the repository, and every dependency kept too (a dependency that runs again changes the input).
 */
async function keptTasks(
  repo: Repo,
  state: RunState,
  graph: TaskGraph,
  changed: ReadonlySet<string>,
): Promise<Map<string, SettledTask & { branch: string | null }>> {
  const recorded = new Map(state.tasks.map((task) => [task.id, task]));
  const kept = new Map<string, SettledTask & { branch: string | null }>();
  for (const id of graph.topologicalOrder()) {
    const task = recorded.get(id);
    const node = graph.get(id);
    if (!task || task.status !== 'succeeded' || task.commit === null || changed.has(node.phase))
      continue;
    if (!graph.dependencies(id).every((dependency) => kept.has(dependency))) continue;
    const exists = await gitStatus(repo, ['cat-file', '-e', `${task.commit}^{commit}`]);
    if (exists.exitCode !== 0) continue;
    kept.set(id, {
      outcome: { status: 'succeeded', commit: task.commit },
      attempts: task.attempts,
      branch: task.branch,
      ...(task.cached === true && { cached: true }),
      ...(task.started_at !== null && { startedAt: Date.parse(task.started_at) }),
      ...(task.finished_at !== null && { finishedAt: Date.parse(task.finished_at) }),
    });
  }
  return kept;
}
