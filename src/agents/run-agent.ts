/**
 * Runs one agent process: argv through execa (never a shell), in its own process group so that
 * a timeout or a cancel can kill everything it started, output to a log file and to `onLine`.
 * Whatever the agent left running after it exits is killed too: nothing outlives its task.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { AgentOutput } from './agent-output.js';
import { AGENT_ID_VARIABLE, killEscaped } from './kill-escaped.js';
import { killTree, signalGroup } from './kill-tree.js';

export type AgentExit = (
  | { readonly status: 'exited'; readonly exitCode: number }
  | { readonly status: 'signalled'; readonly signal: string }
  | { readonly status: 'timed-out'; readonly timeoutMs: number }
  | { readonly status: 'cancelled' }
  | { readonly status: 'output-exceeded'; readonly limitBytes: number }
  | { readonly status: 'log-failed'; readonly message: string; readonly code?: string }
  | { readonly status: 'spawn-failed'; readonly message: string }
) & {
  /** The last lines the agent printed (stdout and stderr), for failure messages. */
  readonly tail: readonly string[];
};

export interface RunAgentOptions {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly timeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL. @default 2000 */
  readonly killGraceMs?: number;
  /** Aborting kills the process tree; the result is `cancelled`. */
  readonly signal?: AbortSignal;
  /** Called with the process group id as soon as the process exists. */
  readonly onSpawn?: (pid: number) => void;
  readonly onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /**
   * Most bytes of output (stdout and stderr together) an agent may print. Past it the log ends
   * with a notice, the process tree is killed and the result is `output-exceeded`: an agent
   * printing without end is broken, and its log must not fill the disk.
   * @default DEFAULT_MAX_OUTPUT_BYTES (50 MiB)
   */
  readonly maxOutputBytes?: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 50 * 1024 * 1024;

export async function runAgent(options: RunAgentOptions): Promise<AgentExit> {
  const [file, ...args] = options.argv;
  if (file === undefined || file === '')
    return { status: 'spawn-failed', message: 'the agent command is empty', tail: [] };
  await mkdir(dirname(options.logFile), { recursive: true });
  const agentId = randomUUID();
  const subprocess = execa(file, args, {
    cwd: options.cwd,
    env: { ...options.env, [AGENT_ID_VARIABLE]: agentId },
    extendEnv: false,
    // Own process group: the group can be killed as one, and a Ctrl-C aimed at subplan's
    // terminal group does not hit agents behind its back; subplan forwards it instead.
    detached: true,
    cleanup: false,
    reject: false,
    stdin: 'ignore',
    buffer: false,
    stripFinalNewline: false,
  });
  const pid = subprocess.pid;
  let timedOut = false;
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  let stragglers: Promise<number> = Promise.resolve(0);
  const kill = () => {
    if (pid !== undefined) void killTree(pid, { graceMs: options.killGraceMs ?? 2000 });
  };
  const onAbort = () => {
    cancelled = true;
    kill();
  };
  if (pid !== undefined) {
    options.onSpawn?.(pid);
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, options.timeoutMs);
    }
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    // Leftover children may hold the pipes open after the leader exits; kill them when it does,
    // and those that left the group too, before anything reads the worktree.
    subprocess.once('exit', () => {
      signalGroup(pid, 'SIGKILL');
      stragglers = killEscaped(agentId);
    });
  }
  const output = new AgentOutput({
    logFile: options.logFile,
    limitBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    onLine: options.onLine,
    onStop: kill,
  });
  const pumps = [
    output.pump(subprocess.stdout, 'stdout'),
    output.pump(subprocess.stderr, 'stderr'),
  ];
  const result = await subprocess;
  await Promise.all(pumps);
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  await output.close();
  await stragglers;
  const tail = output.tail;

  if (
    pid === undefined ||
    (result.failed && result.exitCode === undefined && result.signal === undefined)
  ) {
    return { status: 'spawn-failed', message: spawnFailure(file, result), tail };
  }
  if (cancelled) return { status: 'cancelled', tail };
  if (output.stop?.kind === 'limit')
    return { status: 'output-exceeded', limitBytes: output.stop.limitBytes, tail };
  if (output.stop?.kind === 'log-failed')
    return {
      status: 'log-failed',
      message: output.stop.message,
      ...(output.stop.code !== undefined && { code: output.stop.code }),
      tail,
    };
  if (timedOut) return { status: 'timed-out', timeoutMs: options.timeoutMs ?? 0, tail };
  if (result.signal) return { status: 'signalled', signal: result.signal, tail };
  return { status: 'exited', exitCode: result.exitCode ?? 1, tail };
}

/**
 * One line: the failure reason is a field of one-line events and summaries, and execa's message
 * spans lines (the command, then node's own error).
 */
function spawnFailure(file: string, result: { code?: string; originalMessage?: string }): string {
  switch (result.code) {
    case 'ENOENT':
      return `cannot start \`${file}\`: not found${file.includes('/') ? ' (a relative path is taken from the worktree)' : " on the agent's PATH"}`;
    case 'EACCES':
      return `cannot start \`${file}\`: permission denied (is it executable?)`;
    default: {
      const detail = (result.originalMessage ?? '').split('\n')[0]?.trim();
      return `cannot start \`${file}\`${detail ? `: ${detail}` : ''}`;
    }
  }
}
