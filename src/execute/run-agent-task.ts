/**
 * One agent task from start to commit: worktree on the task's branch, copied files and setup,
 * the agent (a process or a module), commit of what it changed, scope check. Runs inside a
 * Piscina worker (or a remote worker); everything it needs comes in the request, and every
 * expected failure comes back as an outcome.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  OutputWatch,
  agentEnv,
  expandArgv,
  expandPrompt,
  outputFailure,
  runAgent,
  runModuleAgent,
  usageReader,
} from '../agents/index.js';
import type { AgentExit, ModuleExit, RunAgentOptions, UsageReader } from '../agents/index.js';
import { errorMessage, unreachable } from '../core/index.js';
import type { CancelReason, TaskOutcome } from '../core/index.js';
import {
  addWorktree,
  createRepo,
  dirtyPaths,
  filesOutsideScope,
  resetWorktree,
} from '../git/index.js';
import type { Repo } from '../git/index.js';
import { commitTaskResult } from './commit-task-result.js';
import type { AgentTaskRequest, AgentTaskResult } from './executor.js';

export interface AgentTaskContext {
  readonly signal: AbortSignal;
  readonly onPid: (pid: number) => void;
  readonly onOutput: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** The task's result without its times, which the caller measures. */
export type AgentTaskReport = Omit<AgentTaskResult, 'startedAt' | 'finishedAt'>;

export async function runAgentTask(
  request: AgentTaskRequest,
  context: AgentTaskContext,
): Promise<AgentTaskReport> {
  const repo = createRepo(request.repo);
  const setupDone = request.setup?.alreadyDone === true;
  try {
    const target = {
      dir: request.worktree,
      branch: request.branch,
      commit: request.baseCommit,
      keepIgnored: setupDone,
    };
    if (request.reuseWorktree) {
      // A worktree an agent left unusable (its .git removed, say) is replaced, not trusted.
      await resetWorktree(repo, target).catch(() => addWorktree(repo, target));
    } else {
      await addWorktree(repo, target);
    }
  } catch (error) {
    return failed('worktree-failed', errorMessage(error));
  }
  if (context.signal.aborted) return cancelled(context.signal);
  try {
    await mkdir(dirname(request.filesFile), { recursive: true });
    await writeFile(request.filesFile, request.files.map((f) => `${f}\n`).join(''));
  } catch (error) {
    return failed('worktree-failed', `cannot write the file list: ${errorMessage(error)}`);
  }
  const env = agentEnv(
    request.env,
    { pass: request.envPass ?? [], set: request.envSet ?? {} },
    {
      run: request.runId,
      phase: request.phase,
      task: request.taskId,
      worktree: request.worktree,
      branch: request.branch,
    },
  );
  const prepared = await prepareWorktree(repo, request, env, context);
  if ('outcome' in prepared) return prepared;

  const watch = new OutputWatch(request.retryOutput ?? []);
  const usage = request.usage === undefined ? undefined : usageReader(request.usage);
  const onOutput = (stream: 'stdout' | 'stderr', line: string) => {
    watch.line(line);
    if (stream === 'stdout') usage?.line(line);
    context.onOutput(stream, line);
  };
  let failure: TaskOutcome | undefined;
  let noSpace: string | undefined;
  const fields = {
    phase: request.phase,
    subplan: request.taskId,
    worktree: request.worktree,
    branch: request.branch,
    run: request.runId,
    files: request.files,
    files_file: request.filesFile,
  };
  const prompt = expandPrompt(request.prompt, fields);
  if (request.module) {
    failure = moduleFailure(
      await runModuleAgent({
        path: request.module,
        input: {
          files: request.files,
          worktree: request.worktree,
          prompt,
          phase: request.phase,
          subplan: request.taskId,
        },
        logFile: request.logFile,
        ...(request.timeoutMs !== undefined && { timeoutMs: request.timeoutMs }),
        signal: context.signal,
        onLine: (line) => onOutput('stdout', line),
      }),
      context.signal,
    );
  } else {
    const exit = await runAgent({
      argv: expandArgv(request.argvTemplate, { ...fields, prompt }),
      ...processOptions(request, env, context),
      onLine: onOutput,
    });
    failure = exitFailure(exit, context.signal);
    // The machine's disk is full, not the agent at fault: the coordinator stops the run.
    if (exit.status === 'log-failed' && (exit.code === 'ENOSPC' || exit.code === 'EDQUOT'))
      noSpace = exit.message;
  }
  const said = withUsage(usage, { setupReusable: prepared.setupReusable });
  if (failure)
    return { outcome: failure, signals: watch.signals(), ...said, ...(noSpace && { noSpace }) };

  const committed = await commitTaskResult(repo, {
    worktree: request.worktree,
    branch: request.branch,
    baseCommit: request.baseCommit,
    commitMessage: request.commitMessage,
    exclude: {
      paths: [...(request.setup?.copyFiles ?? []), ...prepared.setupArtifacts],
      globs: request.scratch ?? [],
    },
  });
  if (committed.status !== 'succeeded') return { outcome: committed, ...said };
  const commit = committed.commit;
  const scope = request.scope;
  if (!scope) return { outcome: { status: 'succeeded', commit }, ...said };
  const outOfScope = await filesOutsideScope(repo, {
    base: request.baseCommit,
    head: commit,
    files: scope.files,
    globs: scope.globs,
  });
  if (outOfScope.length > 0 && scope.strict) {
    return {
      outcome: failed(
        'out-of-scope',
        `the agent changed ${outOfScope.length} file(s) outside its scope: ${listed(outOfScope)}`,
      ).outcome,
      outOfScope,
      ...said,
    };
  }
  return {
    outcome: { status: 'succeeded', commit },
    ...(outOfScope.length > 0 && { outOfScope }),
    ...said,
  };
}

/**
 * Copies the user's ignored files in and runs setup commands. What setup leaves that git would
 * commit is recorded and left out of the task's commit: only the agent's changes are committed.
 */
async function prepareWorktree(
  repo: Repo,
  request: AgentTaskRequest,
  env: Record<string, string>,
  context: AgentTaskContext,
): Promise<{ setupArtifacts: string[]; setupReusable: boolean } | AgentTaskReport> {
  const setup = request.setup;
  if (!setup) return { setupArtifacts: [], setupReusable: false };
  for (const file of setup.copyFiles) {
    try {
      await mkdir(dirname(join(request.worktree, file)), { recursive: true });
      await copyFile(join(setup.copyFrom, file), join(request.worktree, file));
    } catch (error) {
      return failed(
        'setup-failed',
        `cannot copy ${file} into the worktree: ${errorMessage(error)}`,
      );
    }
  }
  if (setup.alreadyDone || setup.commands.length === 0)
    return { setupArtifacts: [], setupReusable: setup.alreadyDone };
  for (const command of setup.commands) {
    const exit = await runAgent({ argv: command, ...processOptions(request, env, context) });
    const failure = exitFailure(exit, context.signal);
    if (failure?.status === 'failed') {
      return failed('setup-failed', `setup \`${command.join(' ')}\`: ${failure.message}`);
    }
    if (failure) return { outcome: failure };
  }
  const copied = new Set(setup.copyFiles);
  const artifacts = (await dirtyPaths(repo, request.worktree)).filter((p) => !copied.has(p));
  return { setupArtifacts: artifacts, setupReusable: artifacts.length === 0 };
}

/** How the task's processes run (setup commands and the agent): same place, limits and log. */
function processOptions(
  request: AgentTaskRequest,
  env: Record<string, string>,
  context: AgentTaskContext,
): Omit<RunAgentOptions, 'argv'> {
  return {
    cwd: request.worktree,
    env,
    logFile: request.logFile,
    ...(request.timeoutMs !== undefined && { timeoutMs: request.timeoutMs }),
    ...(request.killGraceMs !== undefined && { killGraceMs: request.killGraceMs }),
    ...(request.maxOutputBytes !== undefined && { maxOutputBytes: request.maxOutputBytes }),
    signal: context.signal,
    onSpawn: context.onPid,
    onLine: context.onOutput,
  };
}

function withUsage(
  reader: UsageReader | undefined,
  rest: { setupReusable: boolean },
): Pick<AgentTaskReport, 'usage' | 'setupReusable'> {
  const usage = reader?.usage();
  return {
    ...(usage && Object.keys(usage).length > 0 && { usage }),
    ...(rest.setupReusable && { setupReusable: true }),
  };
}

function exitFailure(exit: AgentExit, signal: AbortSignal): TaskOutcome | undefined {
  const last = exit.tail.at(-1)?.trim();
  const said = last
    ? `; its last output: ${last.length > 200 ? `${last.slice(0, 197)}...` : last}`
    : '';
  switch (exit.status) {
    case 'exited':
      return exit.exitCode === 0
        ? undefined
        : {
            status: 'failed',
            reason: 'exit-non-zero',
            exitCode: exit.exitCode,
            message: `the agent exited with code ${exit.exitCode}${said}`,
          };
    case 'signalled':
      return {
        status: 'failed',
        reason: 'killed-by-signal',
        signal: exit.signal,
        message: `the agent was killed by ${exit.signal}${said}`,
      };
    case 'timed-out':
      return {
        status: 'failed',
        reason: 'timeout',
        message: `the agent ran longer than its timeout (${exit.timeoutMs} ms); its process tree was killed${said}`,
      };
    case 'cancelled':
      return { status: 'cancelled', reason: cancelReason(signal) };
    case 'spawn-failed':
      return { status: 'failed', reason: 'spawn-failed', message: exit.message };
    case 'output-exceeded':
    case 'log-failed':
      return outputFailure(exit);
    default:
      return unreachable(exit);
  }
}

function moduleFailure(exit: ModuleExit, signal: AbortSignal): TaskOutcome | undefined {
  switch (exit.status) {
    case 'returned':
      return undefined;
    case 'threw':
      return { status: 'failed', reason: 'module-failed', message: exit.message };
    case 'load-failed':
      return { status: 'failed', reason: 'spawn-failed', message: exit.message };
    case 'timed-out':
      return {
        status: 'failed',
        reason: 'timeout',
        message: `the module agent ran longer than its timeout (${exit.timeoutMs} ms); its signal was aborted`,
      };
    case 'cancelled':
      return { status: 'cancelled', reason: cancelReason(signal) };
    default:
      return unreachable(exit);
  }
}

function failed(
  reason: 'worktree-failed' | 'setup-failed' | 'out-of-scope',
  message: string,
): { outcome: TaskOutcome } {
  return { outcome: { status: 'failed', reason, message } };
}

function cancelled(signal: AbortSignal): { outcome: TaskOutcome } {
  return { outcome: { status: 'cancelled', reason: cancelReason(signal) } };
}

function cancelReason(signal: AbortSignal): CancelReason {
  const reason: unknown = signal.reason;
  return reason === 'fail-fast' || reason === 'budget' ? reason : 'interrupted';
}

function listed(paths: readonly string[]): string {
  const shown = paths.slice(0, 10).join(', ');
  return paths.length > 10 ? `${shown} and ${paths.length - 10} more` : shown;
}
