/**
 * Runs one agent process: argv through execa (never a shell), in its own process group so that
 * a timeout or a cancel can kill everything it started, output to a log file and to `onLine`.
 * Whatever the agent left running after it exits is killed too: nothing outlives its task.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { killTree, signalGroup } from './kill-tree.js';

export type AgentExit = (
  | { readonly status: 'exited'; readonly exitCode: number }
  | { readonly status: 'signalled'; readonly signal: string }
  | { readonly status: 'timed-out'; readonly timeoutMs: number }
  | { readonly status: 'cancelled' }
  | { readonly status: 'spawn-failed'; readonly message: string }
) & {
  /** The last lines the agent printed (stdout and stderr), for failure messages. */
  readonly tail: readonly string[];
};

/** Lines kept for `tail`. */
const TAIL_LINES = 5;

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
}

/** Longest line forwarded as an event; the log file keeps everything. */
const MAX_EVENT_LINE = 2000;

export async function runAgent(options: RunAgentOptions): Promise<AgentExit> {
  const [file, ...args] = options.argv;
  if (file === undefined || file === '')
    return { status: 'spawn-failed', message: 'the agent command is empty', tail: [] };
  await mkdir(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const subprocess = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
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
    // Leftover children may hold the pipes open after the leader exits; kill them when it does.
    subprocess.once('exit', () => signalGroup(pid, 'SIGKILL'));
  }
  const tail: string[] = [];
  const onLine = (stream: 'stdout' | 'stderr', line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    options.onLine?.(stream, line);
  };
  const pumps = [
    pumpLines(subprocess.stdout, 'stdout', log, onLine),
    pumpLines(subprocess.stderr, 'stderr', log, onLine),
  ];
  const result = await subprocess;
  await Promise.all(pumps);
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  await new Promise<void>((resolve) => log.end(resolve));

  if (
    pid === undefined ||
    (result.failed && result.exitCode === undefined && result.signal === undefined)
  ) {
    return { status: 'spawn-failed', message: result.shortMessage ?? `cannot start ${file}`, tail };
  }
  if (cancelled) return { status: 'cancelled', tail };
  if (timedOut) return { status: 'timed-out', timeoutMs: options.timeoutMs ?? 0, tail };
  if (result.signal) return { status: 'signalled', signal: result.signal, tail };
  return { status: 'exited', exitCode: result.exitCode ?? 1, tail };
}

async function pumpLines(
  stream: Readable | null,
  name: 'stdout' | 'stderr',
  log: NodeJS.WritableStream,
  onLine: (stream: 'stdout' | 'stderr', line: string) => void,
): Promise<void> {
  if (!stream) return;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) {
    log.write(name === 'stderr' ? `[stderr] ${line}\n` : `${line}\n`);
    onLine(name, line.length > MAX_EVENT_LINE ? `${line.slice(0, MAX_EVENT_LINE)}…` : line);
  }
}
