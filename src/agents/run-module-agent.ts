/**
 * Runs a module agent: a JavaScript module whose default export edits the worktree, called inside
 * the current thread (a Piscina worker) instead of a process. For codemods, which need no CLI.
 * A thrown error fails the task with its message. A module cannot be killed: at its timeout or a
 * cancel its `signal` aborts and the task ends; a module that ignores the signal keeps its thread
 * busy until it returns.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../core/index.js';

export interface ModuleAgentInput {
  readonly files: readonly string[];
  readonly worktree: string;
  readonly prompt: string;
  readonly phase: string;
  readonly subplan: string;
  readonly signal: AbortSignal;
  /** Writes a line to the task's log and output. */
  readonly log: (line: string) => void;
}

export type ModuleExit =
  | { readonly status: 'returned' }
  | { readonly status: 'threw'; readonly message: string }
  | { readonly status: 'timed-out'; readonly timeoutMs: number }
  | { readonly status: 'cancelled' }
  | { readonly status: 'load-failed'; readonly message: string };

export interface RunModuleOptions {
  readonly path: string;
  readonly input: Omit<ModuleAgentInput, 'signal' | 'log'>;
  readonly logFile: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
}

type AgentFunction = (input: ModuleAgentInput) => unknown;

export async function runModuleAgent(options: RunModuleOptions): Promise<ModuleExit> {
  let run: AgentFunction;
  try {
    const module = (await import(pathToFileURL(options.path).href)) as { default?: unknown };
    if (typeof module.default !== 'function')
      return {
        status: 'load-failed',
        message: `${options.path} has no default export function`,
      };
    run = module.default as AgentFunction;
  } catch (error) {
    return {
      status: 'load-failed',
      message: `cannot load ${options.path}: ${errorMessage(error)}`,
    };
  }
  await mkdir(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const controller = new AbortController();
  let ended: ModuleExit | undefined;
  let stop: (exit: ModuleExit) => void = () => {};
  const stopped = new Promise<ModuleExit>((resolve) => (stop = resolve));
  const end = (exit: ModuleExit) => {
    if (ended) return;
    ended = exit;
    controller.abort(exit.status);
    stop(exit);
  };
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => end({ status: 'timed-out', timeoutMs: options.timeoutMs ?? 0 }),
          options.timeoutMs,
        );
  const onAbort = () => end({ status: 'cancelled' });
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const call = (async (): Promise<ModuleExit> => {
    try {
      await run({
        ...options.input,
        signal: controller.signal,
        log: (line) => {
          if (ended) return;
          log.write(`${line}\n`);
          options.onLine?.(line);
        },
      });
      return { status: 'returned' };
    } catch (error) {
      return { status: 'threw', message: errorMessage(error) };
    }
  })();
  const exit = await Promise.race([call, stopped]);
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  ended ??= exit;
  await new Promise<void>((resolve) => log.end(resolve));
  return ended;
}
