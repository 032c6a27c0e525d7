/**
 * One agent task from start to commit: worktree on the task's branch, agent process, commit of
 * what it changed. Runs inside a Piscina worker (or a remote worker later); everything it needs
 * comes in the request, and every expected failure comes back as an outcome.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { agentEnv, expandArgv, runAgent } from '../agents/index.js';
import type { AgentExit } from '../agents/index.js';
import { unreachable } from '../core/index.js';
import type { TaskOutcome } from '../core/index.js';
import { addWorktree, commitChanges, createRepo, resetWorktree } from '../git/index.js';
import type { AgentTaskRequest } from './executor.js';

export interface AgentTaskContext {
  readonly signal: AbortSignal;
  readonly onPid: (pid: number) => void;
  readonly onOutput: (stream: 'stdout' | 'stderr', line: string) => void;
}

export async function runAgentTask(
  request: AgentTaskRequest,
  context: AgentTaskContext,
): Promise<TaskOutcome> {
  const repo = createRepo(request.repo);
  try {
    const target = { dir: request.worktree, branch: request.branch, commit: request.baseCommit };
    if (request.reuseWorktree) {
      // A worktree an agent left unusable (its .git removed, say) is replaced, not trusted.
      await resetWorktree(repo, target).catch(() => addWorktree(repo, target));
    } else {
      await addWorktree(repo, target);
    }
  } catch (error) {
    return { status: 'failed', reason: 'worktree-failed', message: errorText(error) };
  }
  if (context.signal.aborted) return { status: 'cancelled', reason: cancelReason(context.signal) };
  try {
    await mkdir(dirname(request.filesFile), { recursive: true });
    await writeFile(request.filesFile, request.files.map((f) => `${f}\n`).join(''));
  } catch (error) {
    return {
      status: 'failed',
      reason: 'worktree-failed',
      message: `cannot write the file list: ${errorText(error)}`,
    };
  }
  const argv = expandArgv(request.argvTemplate, {
    prompt: request.prompt,
    phase: request.phase,
    subplan: request.taskId,
    worktree: request.worktree,
    branch: request.branch,
    run: request.runId,
    files: request.files,
    files_file: request.filesFile,
  });
  const exit = await runAgent({
    argv,
    cwd: request.worktree,
    env: agentEnv(request.env, {
      run: request.runId,
      phase: request.phase,
      task: request.taskId,
      worktree: request.worktree,
      branch: request.branch,
    }),
    logFile: request.logFile,
    ...(request.timeoutMs !== undefined && { timeoutMs: request.timeoutMs }),
    ...(request.killGraceMs !== undefined && { killGraceMs: request.killGraceMs }),
    signal: context.signal,
    onSpawn: context.onPid,
    onLine: context.onOutput,
  });
  const failure = exitFailure(exit, context.signal);
  if (failure) return failure;
  try {
    const commit = await commitChanges(repo, {
      worktree: request.worktree,
      message: request.commitMessage,
    });
    return { status: 'succeeded', commit };
  } catch (error) {
    return { status: 'failed', reason: 'commit-failed', message: errorText(error) };
  }
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
    default:
      return unreachable(exit);
  }
}

function cancelReason(signal: AbortSignal): 'fail-fast' | 'interrupted' {
  return signal.reason === 'fail-fast' ? 'fail-fast' : 'interrupted';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
