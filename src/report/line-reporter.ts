/**
 * One whole line per event, prefixed with the task (`[api]`, `[api.2]`), for logs, pipes and CI.
 * Each line is written with a single call, so lines never interleave mid-line. Agent output is
 * streamed as it comes (`stream`), held and printed as one block when its task ends (`grouped`),
 * or left to the log files (`quiet`).
 */
import { createColors } from 'picocolors';
import { formatDuration, unreachable } from '../core/index.js';
import type { RunEvent, TaskOutcome } from '../core/index.js';
import type { RunSummary } from '../run/index.js';
import type { Reporter, TextSink } from './reporter.js';
import { formatSummaryTable } from './summary-table.js';
import { terminalSafe } from './terminal-text.js';

export type OutputMode = 'stream' | 'grouped' | 'quiet';

export const OUTPUT_MODES: readonly OutputMode[] = ['stream', 'grouped', 'quiet'];

/** picocolors' functions, on or off. */
export type Colors = ReturnType<typeof createColors>;

export interface LineReporterOptions {
  readonly out: TextSink;
  /** @default 'stream' */
  readonly output?: OutputMode;
  /** @default false */
  readonly color?: boolean;
}

export class LineReporter implements Reporter {
  readonly #out: TextSink;
  readonly #output: OutputMode;
  readonly #colors: Colors;
  readonly #held = new Map<string, string[]>();

  constructor(options: LineReporterOptions) {
    this.#out = options.out;
    this.#output = options.output ?? 'stream';
    this.#colors = createColors(options.color ?? false);
  }

  onEvent(event: RunEvent): void {
    if (event.type === 'task-output' && this.#output !== 'stream') {
      if (this.#output === 'grouped') {
        const lines = this.#held.get(event.task) ?? [];
        lines.push(`[${event.task}] ${event.line}`);
        this.#held.set(event.task, lines);
      }
      return;
    }
    if (event.type === 'task-finished') {
      const held = this.#held.get(event.task);
      this.#held.delete(event.task);
      // One write for the whole block: another task's lines cannot land inside it.
      if (held && held.length > 0)
        this.#out.write(
          `${held.map((line) => paintEventLine(this.#colors, event, line)).join('\n')}\n`,
        );
    }
    const line = describeEvent(event);
    if (line !== undefined) this.#out.write(`${paintEventLine(this.#colors, event, line)}\n`);
  }

  summarize(summary: RunSummary): void {
    this.#out.write(`\n${terminalSafe(formatSummaryTable(summary))}\n`);
  }
}

/**
 * A line describing `event`, colored by what happened: the `[task]` prefix cyan, successes green,
 * skips yellow, failures red, warnings yellow, agents' stderr dim.
 */
export function paintEventLine(colors: Colors, event: RunEvent, text: string): string {
  const line = terminalSafe(text);
  const c = colors;
  const prefixed = /^(\[[^\]]+\])(.*)$/s.exec(line);
  const body = prefixed ? (prefixed[2] ?? '') : line;
  const prefix = prefixed ? c.cyan(prefixed[1] ?? '') : '';
  let painted = body;
  if (event.type === 'task-finished') {
    const status = event.outcome.status;
    painted =
      status === 'succeeded'
        ? c.green(body)
        : status === 'skipped' || status === 'cancelled'
          ? c.yellow(body)
          : c.red(body);
  } else if (event.type === 'warning') {
    painted = c.yellow(body);
  } else if (event.type === 'run-finished') {
    painted = event.status === 'succeeded' ? c.green(c.bold(body)) : c.red(c.bold(body));
  } else if (event.type === 'task-output' && event.stream === 'stderr') {
    painted = c.dim(body);
  }
  return `${prefix}${painted}`;
}

/**
 * Colors only on a terminal, and never with NO_COLOR; FORCE_COLOR (other than 0) turns them on
 * anywhere. See no-color.org and the FORCE_COLOR convention.
 */
export function wantsColor(
  env: Readonly<Record<string, string | undefined>>,
  isTerminal: boolean,
): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTerminal && env['TERM'] !== 'dumb';
}

export function describeEvent(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-started':
      return `subplan: run ${event.run_id} of ${event.plan}: ${event.task_count} tasks, max_parallel ${event.max_parallel}, base ${event.base_commit.slice(0, 10)}`;
    case 'task-queued':
      return undefined;
    case 'task-started':
      return `[${event.task}] started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''} on ${event.branch}`;
    case 'task-output':
      return `[${event.task}] ${event.line}`;
    case 'agent-spawned':
      return undefined;
    case 'run-resumed':
      return `subplan: resuming run ${event.run_id}: ${event.kept.length} task(s) kept, ${event.rerun.length} to run`;
    case 'task-finished':
      return `[${event.task}] ${describeFinish(event.outcome)}${event.cached ? ', reused from an identical earlier task (no agent ran)' : ''}${event.duration_ms === undefined ? '' : ` in ${formatDuration(event.duration_ms)}`}`;
    case 'merge-started':
      return `[${event.task}] merging ${event.sources.join(', ')} into ${event.branch}`;
    case 'merge-finished':
      return undefined;
    case 'verify-started':
      return `[${event.task}] verify${event.attempt > 1 ? ` (after the fix, attempt ${event.attempt})` : ''}: ${event.commands.map(formatCommand).join(', ')}`;
    case 'verify-finished':
      return event.passed
        ? `[${event.task}] verify passed`
        : `[${event.task}] verify FAILED: \`${formatCommand(event.failed_command ?? [])}\` ${event.failure ?? 'failed'}`;
    case 'warning':
      return `${event.task ? `[${event.task}] ` : ''}warning: ${event.message}`;
    case 'run-finished':
      return `subplan: run ${event.run_id} ${event.status}${event.result_branch ? `; result on ${event.result_branch}` : ''}`;
    default:
      return unreachable(event);
  }
}

function formatCommand(argv: readonly string[]): string {
  return argv.join(' ');
}

function describeFinish(outcome: TaskOutcome): string {
  switch (outcome.status) {
    case 'succeeded':
      return `succeeded at ${outcome.commit.slice(0, 10)}`;
    case 'failed':
      return `FAILED: ${outcome.message}`;
    case 'conflict':
      return `CONFLICT merging ${outcome.sources.join(', ')}: ${outcome.files.join(', ')}${outcome.resolverFailure ? ` (the resolver did not resolve it: ${outcome.resolverFailure})` : ''}`;
    case 'cancelled':
      return `cancelled (${outcome.reason})`;
    case 'skipped':
      return `skipped: ${outcome.dependency} did not succeed`;
    default:
      return unreachable(outcome);
  }
}
