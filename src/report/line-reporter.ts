/**
 * One whole line per event, prefixed with the task (`[api]`, `[api.2]`), for logs, pipes and CI.
 * Each line is written with a single call, so lines never interleave mid-line.
 */
import { formatDuration, unreachable } from '../core/index.js';
import type { RunEvent, TaskOutcome } from '../core/index.js';
import type { RunSummary } from '../run/index.js';
import type { Reporter, TextSink } from './reporter.js';
import { formatSummaryTable } from './summary-table.js';

export class LineReporter implements Reporter {
  readonly #out: TextSink;

  constructor(options: { out: TextSink }) {
    this.#out = options.out;
  }

  onEvent(event: RunEvent): void {
    const line = describeEvent(event);
    if (line !== undefined) this.#out.write(`${line}\n`);
  }

  summarize(summary: RunSummary): void {
    this.#out.write(`\n${formatSummaryTable(summary)}\n`);
  }
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
    case 'warning':
      return `${event.task ? `[${event.task}] ` : ''}warning: ${event.message}`;
    case 'run-finished':
      return `subplan: run ${event.run_id} ${event.status}${event.result_branch ? `; result on ${event.result_branch}` : ''}`;
    default:
      return unreachable(event);
  }
}

function describeFinish(outcome: TaskOutcome): string {
  switch (outcome.status) {
    case 'succeeded':
      return `succeeded at ${outcome.commit.slice(0, 10)}`;
    case 'failed':
      return `FAILED: ${outcome.message}`;
    case 'conflict':
      return `CONFLICT merging ${outcome.sources.join(', ')}: ${outcome.files.join(', ')}`;
    case 'cancelled':
      return `cancelled (${outcome.reason})`;
    case 'skipped':
      return `skipped: ${outcome.dependency} did not succeed`;
    default:
      return unreachable(outcome);
  }
}
