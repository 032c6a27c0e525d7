/**
 * The one place where the gates start processes on the coordinator: a gate's agent (the conflict
 * resolver, a verify fix) from its definition, and verify commands as given. Both run like agent
 * tasks do (argv through execa, own process group, log file, timeout and abort kill the tree),
 * in the gate's own worktree, with the agent environment of the task they belong to.
 */
import { agentEnv, agentLaunch, expandArgv, runAgent } from '../agents/index.js';
import type { AgentEnvPolicy, AgentExit, TemplateValues } from '../agents/index.js';
import type { AgentDefinition } from '../plan/index.js';

export interface GateProcess {
  /** The worktree it runs in. */
  readonly cwd: string;
  /** Who it runs for, for the `SUBPLAN_*` variables. */
  readonly task: { run: string; phase: string; task: string; branch: string };
  /** subplan's own environment, which the agent's environment is drawn from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * What verify commands get beyond the minimal environment: the phase agent's variables, so a
   * test run sees what the agent saw. @default none
   */
  readonly envPolicy?: AgentEnvPolicy;
  readonly logFile: string;
  readonly killGraceMs?: number;
  readonly signal?: AbortSignal;
  readonly onSpawn?: (pid: number) => void;
  readonly onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** Runs a gate's agent with its template fields filled from `values`. */
export function runGateAgent(
  agent: AgentDefinition,
  values: TemplateValues,
  process: GateProcess,
): Promise<AgentExit> {
  const launch = agentLaunch(agent);
  // The plan refuses module agents as gates (see gates.ts): a gate's agent is a process.
  if (launch.kind === 'module')
    return Promise.resolve({
      status: 'spawn-failed',
      message: 'a resolver or fix agent must be a preset or a command',
      tail: [],
    });
  const argv = expandArgv(launch.argvTemplate, values);
  return run(argv, process, { pass: launch.envPass, set: launch.envSet }, agent.timeoutMs);
}

/** Runs one verify command. */
export function runGateCommand(argv: readonly string[], process: GateProcess): Promise<AgentExit> {
  return run(argv, process, process.envPolicy ?? { pass: [], set: {} }, undefined);
}

function run(
  argv: readonly string[],
  process: GateProcess,
  policy: AgentEnvPolicy,
  timeoutMs: number | undefined,
): Promise<AgentExit> {
  return runAgent({
    argv,
    cwd: process.cwd,
    env: agentEnv(process.env, policy, { ...process.task, worktree: process.cwd }),
    logFile: process.logFile,
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(process.killGraceMs !== undefined && { killGraceMs: process.killGraceMs }),
    ...(process.signal && { signal: process.signal }),
    ...(process.onSpawn && { onSpawn: process.onSpawn }),
    ...(process.onLine && { onLine: process.onLine }),
  });
}
