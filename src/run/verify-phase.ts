/**
 * The verify gate of a phase: its commands run, in order, on the phase's result in a worktree of
 * its own (`.subplan/worktrees/<run>/<phase>.verify`) before any dependent starts. When one fails
 * and the phase has a `fix` agent, that agent gets one attempt in the same worktree, with the
 * failing output in a file (`{verify_output}`); what it changed is committed and the commands run
 * again. A fixed result becomes the phase's commit and branch head. The worktree is removed when
 * verify passes and kept for inspection when it fails. Like an agent's worktree, it first gets
 * the phase's `copy` files and `setup` commands (a test command needs its dependencies); neither
 * they nor what the commands leave behind go into the fix's commit.
 *
 * It runs on the coordinator inside the phase's root task: in that task's `max_parallel` slot
 * when the phase is one agent task, inside its merge when the phase is decomposed.
 */
import { appendFile, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorMessage } from '../core/index.js';
import type { RunEventInput, TaskOutcome } from '../core/index.js';
import {
  addDetachedWorktree,
  commitChanges,
  dirtyPaths,
  removeWorktree,
  taskBranch,
  worktreePath,
} from '../git/index.js';
import type { Repo } from '../git/index.js';
import type { PhaseDefinition, VerifyGate } from '../plan/index.js';
import { findCopyFiles } from './copy-files.js';
import { describeAgentExit, describeExit } from './describe-agent-exit.js';
import { runGateAgent, runGateCommand } from './run-gate-process.js';
import type { GateProcess } from './run-gate-process.js';

/** Lines of a failing command kept for the fix agent: the end of the output, where failures are. */
const OUTPUT_TAIL_LINES = 10_000;

export interface VerifyPhaseOptions {
  readonly repo: Repo;
  readonly runId: string;
  readonly phase: PhaseDefinition;
  readonly gate: VerifyGate;
  /** The phase's result, before verify. */
  readonly commit: string;
  readonly env: Readonly<Record<string, string>>;
  /** The phase task's log: verify output goes there. */
  readonly logFile: string;
  /** Where the failing output and the fix agent's file list are written. */
  readonly filesDir: string;
  readonly signal?: AbortSignal;
  readonly killGraceMs?: number;
  /** Epoch ms, for durations. */
  readonly now: () => number;
  readonly emit: (event: RunEventInput) => void;
  readonly onSpawn: (pid: number) => void;
}

interface CommandsRun {
  /** The failing command with why and what it printed; undefined when all passed. */
  readonly failed?: { argv: readonly string[]; why: string; output: readonly string[] };
  readonly cancelled: boolean;
}

/**
 * The phase's outcome after verify: its commit (a fix on top of `commit`, maybe: the caller points
 * the phase's branch at it), or why it failed.
 */
export async function verifyPhase(options: VerifyPhaseOptions): Promise<TaskOutcome> {
  const { repo, runId, phase } = options;
  const dir = worktreePath(repo, runId, `${phase.id}.verify`);
  // Detached: verify moves no branch itself; the session points the phase's branch at a fix.
  const branch = taskBranch(runId, phase.id);
  try {
    await addDetachedWorktree(repo, { dir, commit: options.commit });
  } catch (error) {
    return { status: 'failed', reason: 'worktree-failed', message: errorMessage(error) };
  }
  const prepared = await prepareVerifyWorktree(options, dir);
  if (prepared !== undefined) return prepared;
  const first = await runCommands(options, dir, options.commit, 1);
  if (first.cancelled) return { status: 'cancelled', reason: cancelReason(options.signal) };
  if (!first.failed) return passed(options, dir, options.commit);
  const failedCommand = `\`${first.failed.argv.join(' ')}\` ${first.failed.why}`;
  const fix = options.gate.fix;
  if (!fix) return verifyFailed(`verify failed: ${failedCommand}`);

  // What setup, copies and the first verify left is not the fix agent's work.
  const leftovers = await dirtyPaths(repo, dir);
  const outputFile = join(options.filesDir, `${phase.id}.verify-output.txt`);
  const filesFile = join(options.filesDir, `${phase.id}.fix.txt`);
  await mkdir(options.filesDir, { recursive: true });
  await writeFile(outputFile, formatOutput(first.failed));
  await writeFile(filesFile, '');
  options.emit({
    type: 'warning',
    task: phase.id,
    message: `verify failed: ${failedCommand}; the fix agent gets one attempt in ${dir}`,
  });
  const prompt = `The verify command \`${first.failed.argv.join(' ')}\` failed on the result of phase \`${phase.id}\`; its output is in ${outputFile}. Change the code so that the verify commands pass (${options.gate.commands.map((argv) => `\`${argv.join(' ')}\``).join(', ')}). The phase's task was: ${phase.prompt}`;
  const exit = await runGateAgent(
    fix,
    {
      prompt,
      phase: phase.id,
      subplan: phase.id,
      worktree: dir,
      branch,
      run: runId,
      files: [],
      files_file: filesFile,
      verify_output: outputFile,
    },
    {
      ...gateProcess(options, dir, branch),
      onSpawn: options.onSpawn,
      onLine: (stream, line) =>
        options.emit({ type: 'task-output', task: phase.id, phase: phase.id, stream, line }),
    },
  );
  if (exit.status === 'cancelled')
    return { status: 'cancelled', reason: cancelReason(options.signal) };
  const fixFailure = describeAgentExit('the fix agent', exit);
  if (fixFailure !== undefined)
    return verifyFailed(`verify failed: ${failedCommand}; ${fixFailure}`);
  let fixed: string;
  try {
    fixed = await commitChanges(repo, {
      worktree: dir,
      exclude: { paths: leftovers },
      message: `subplan(${phase.id}): fix verify\n\nRun ${runId}: the fix agent's repair of ${first.failed.argv.join(' ')}.`,
    });
  } catch (error) {
    return { status: 'failed', reason: 'commit-failed', message: errorMessage(error) };
  }
  const second = await runCommands(options, dir, fixed, 2);
  if (second.cancelled) return { status: 'cancelled', reason: cancelReason(options.signal) };
  if (second.failed) {
    return verifyFailed(
      `verify failed: \`${second.failed.argv.join(' ')}\` ${second.failed.why} after the fix agent's attempt (first: ${failedCommand})`,
    );
  }
  return passed(options, dir, fixed);
}

/** The phase's copied files and setup commands, as an agent's worktree gets them. */
async function prepareVerifyWorktree(
  options: VerifyPhaseOptions,
  dir: string,
): Promise<TaskOutcome | undefined> {
  const { phase, repo, runId } = options;
  try {
    for (const file of await findCopyFiles(repo.root, phase.setup.copy)) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await copyFile(join(repo.root, file), join(dir, file));
    }
  } catch (error) {
    return verifyFailed(`verify could not copy files into its worktree: ${errorMessage(error)}`);
  }
  for (const argv of phase.setup.commands) {
    await mkdir(dirname(options.logFile), { recursive: true });
    await appendFile(options.logFile, `$ ${argv.join(' ')}\n`);
    const exit = await runGateCommand(argv, {
      ...gateProcess(options, dir, taskBranch(runId, phase.id)),
      onLine: (stream, line) =>
        options.emit({ type: 'task-output', task: phase.id, phase: phase.id, stream, line }),
    });
    if (exit.status === 'cancelled')
      return { status: 'cancelled', reason: cancelReason(options.signal) };
    const why = describeExit(exit);
    if (why !== undefined) return verifyFailed(`verify setup \`${argv.join(' ')}\` ${why}`);
  }
  return undefined;
}

async function runCommands(
  options: VerifyPhaseOptions,
  dir: string,
  commit: string,
  attempt: number,
): Promise<CommandsRun> {
  const { phase, runId } = options;
  const startedAt = options.now();
  options.emit({
    type: 'verify-started',
    task: phase.id,
    phase: phase.id,
    attempt,
    commit,
    commands: options.gate.commands,
  });
  const finish = (failed: CommandsRun['failed'], why: string | null): CommandsRun => {
    options.emit({
      type: 'verify-finished',
      task: phase.id,
      phase: phase.id,
      attempt,
      commit,
      passed: failed === undefined,
      failed_command: failed?.argv ?? null,
      failure: why,
      duration_ms: Math.round(options.now() - startedAt),
    });
    return { ...(failed && { failed }), cancelled: false };
  };
  await mkdir(dirname(options.logFile), { recursive: true });
  for (const argv of options.gate.commands) {
    await appendFile(options.logFile, `$ ${argv.join(' ')}\n`);
    const output: string[] = [];
    const exit = await runGateCommand(argv, {
      ...gateProcess(options, dir, taskBranch(runId, phase.id)),
      onLine: (stream, line) => {
        output.push(stream === 'stderr' ? `[stderr] ${line}` : line);
        if (output.length > OUTPUT_TAIL_LINES) output.shift();
        options.emit({ type: 'task-output', task: phase.id, phase: phase.id, stream, line });
      },
    });
    if (exit.status === 'cancelled') return { cancelled: true };
    const why = describeExit(exit);
    if (why !== undefined) return finish({ argv, why, output }, why);
  }
  return finish(undefined, null);
}

async function passed(
  options: VerifyPhaseOptions,
  dir: string,
  commit: string,
): Promise<TaskOutcome> {
  await removeWorktree(options.repo, dir);
  return { status: 'succeeded', commit };
}

function gateProcess(options: VerifyPhaseOptions, dir: string, branch: string): GateProcess {
  const { runId, phase } = options;
  return {
    cwd: dir,
    task: { run: runId, phase: phase.id, task: phase.id, branch },
    env: options.env,
    envPolicy: { pass: phase.agent.envPass, set: phase.agent.envSet },
    logFile: options.logFile,
    ...(options.killGraceMs !== undefined && { killGraceMs: options.killGraceMs }),
    ...(options.signal && { signal: options.signal }),
  };
}

function verifyFailed(message: string): TaskOutcome {
  return { status: 'failed', reason: 'verify-failed', message };
}

function formatOutput(failed: NonNullable<CommandsRun['failed']>): string {
  return `$ ${failed.argv.join(' ')}\n${failed.output.map((line) => `${line}\n`).join('')}(${failed.why})\n`;
}

function cancelReason(signal: AbortSignal | undefined): 'fail-fast' | 'interrupted' {
  return signal?.reason === 'fail-fast' ? 'fail-fast' : 'interrupted';
}
