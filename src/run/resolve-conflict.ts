/**
 * The conflict resolver: when `merge.on_conflict` is `agent`, a conflicted merge is handed to the
 * resolver agent in a worktree of its own (`.subplan/worktrees/<run>/<merge task>.resolve`) that
 * holds the conflicted state. Its result is accepted only when no conflict is left and it commits
 * as a merge of both sides; the worktree is removed then, and kept for inspection otherwise.
 *
 * It runs on the coordinator, inside the merge task, and takes no `max_parallel` slot: conflicts
 * are rare, merges are already one at a time, and a merge holding a slot could starve the agents
 * whose results it is waiting to merge.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  commitResolvedMerge,
  removeWorktree,
  startConflictedMerge,
  worktreePath,
} from '../git/index.js';
import { errorMessage } from '../core/index.js';
import type { ConflictResolution, MergeConflict, Repo } from '../git/index.js';
import type { TaskOutcome } from '../core/index.js';
import type { AgentDefinition } from '../plan/index.js';
import { describeAgentExit } from './describe-agent-exit.js';
import { runGateAgent } from './run-gate-process.js';

export interface ConflictResolverOptions {
  readonly repo: Repo;
  readonly runId: string;
  /** The merge task whose conflict this is; the resolver's output goes to its log. */
  readonly taskId: string;
  readonly phase: string;
  /** The branch being merged into, for the prompt. */
  readonly branch: string;
  readonly resolver: AgentDefinition;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  /** Directory for the `{files_file}` list. */
  readonly filesDir: string;
  readonly signal?: AbortSignal;
  readonly killGraceMs?: number;
  readonly onWarning: (message: string) => void;
  readonly onSpawn: (pid: number) => void;
  readonly onOutput: (stream: 'stdout' | 'stderr', line: string) => void;
}

export function conflictResolver(
  options: ConflictResolverOptions,
): (conflict: MergeConflict) => Promise<ConflictResolution> {
  return async (conflict) => {
    const { repo, runId, taskId } = options;
    const dir = worktreePath(repo, runId, `${taskId}.resolve`);
    const merge = { dir, head: conflict.head, source: conflict.source.commit };
    options.onWarning(
      `merging ${conflict.source.label} into ${options.branch} conflicts in ${conflict.files.join(', ')}; running the resolver in ${dir}`,
    );
    let files: readonly string[];
    try {
      files = await startConflictedMerge(repo, merge);
    } catch (error) {
      return {
        status: 'rejected',
        message: `cannot set up the conflicted merge: ${errorMessage(error)}`,
      };
    }
    // git may still merge cleanly in a worktree what merge-tree called a conflict (rename
    // detection differs); then there is nothing for the resolver to do.
    if (files.length > 0) {
      const failure = await runResolver(options, {
        dir,
        files,
        source: conflict.source.label,
      });
      if (failure !== undefined) return { status: 'rejected', message: failure };
    }
    const result = await commitResolvedMerge(repo, {
      ...merge,
      files,
      message: conflict.message,
    }).catch((error: unknown) => ({ status: 'rejected' as const, message: errorMessage(error) }));
    if (result.status === 'rejected') return result;
    await removeWorktree(repo, dir);
    options.onWarning(
      `the resolver resolved the conflict of ${conflict.source.label} in ${files.join(', ')}`,
    );
    return { status: 'resolved', commit: result.commit };
  };
}

/** A resolver stopped by fail-fast or Ctrl-C did not fail to resolve: the merge was cancelled. */
export function outcomeAfterResolver(outcome: TaskOutcome, signal: AbortSignal): TaskOutcome {
  if (!signal.aborted || outcome.status !== 'conflict' || outcome.resolverFailure === undefined)
    return outcome;
  return {
    status: 'cancelled',
    reason: signal.reason === 'fail-fast' ? 'fail-fast' : 'interrupted',
  };
}

/** Runs the resolver on the conflicted files in `dir`; says why it failed, if it did. */
async function runResolver(
  options: ConflictResolverOptions,
  at: { dir: string; files: readonly string[]; source: string },
): Promise<string | undefined> {
  const { runId, taskId } = options;
  const { dir, files } = at;
  // The worktree's HEAD is detached; the agent is told the branch the merge goes to.
  const branch = options.branch;
  const filesFile = join(options.filesDir, `${taskId}.resolve.txt`);
  await mkdir(options.filesDir, { recursive: true });
  await writeFile(filesFile, files.map((file) => `${file}\n`).join(''));
  const prompt = `Resolve the merge conflicts in ${files.join(', ')}: ${at.source} is being merged into ${options.branch}. Edit these files so that no conflict markers remain and the changes of both sides are kept. subplan commits the result.`;
  const exit = await runGateAgent(
    options.resolver,
    {
      prompt,
      phase: options.phase,
      subplan: taskId,
      worktree: dir,
      branch,
      run: runId,
      files,
      files_file: filesFile,
      conflicts: files,
    },
    {
      cwd: dir,
      task: { run: runId, phase: options.phase, task: taskId, branch },
      env: options.env,
      logFile: options.logFile,
      ...(options.killGraceMs !== undefined && { killGraceMs: options.killGraceMs }),
      ...(options.signal && { signal: options.signal }),
      onSpawn: options.onSpawn,
      onLine: options.onOutput,
    },
  );
  return describeAgentExit('the resolver', exit);
}
