/** The table printed at the end of a run: task, status, duration, branch, and the result. */
import { formatDuration } from '../core/index.js';
import type { RunSummary } from '../run/index.js';
import { formatTable } from './format-table.js';

export function formatSummaryTable(summary: RunSummary): string {
  const rows = summary.tasks.map((task) => [
    task.id,
    task.kind,
    task.status +
      (task.cached ? ' (cached)' : '') +
      (task.attempts > 1 ? ` (${task.attempts} attempts)` : ''),
    task.duration_ms === null ? '-' : formatDuration(task.duration_ms),
    task.branch ?? '-',
  ]);
  const problems = summary.tasks
    .filter((t) => t.reason !== null && t.status !== 'skipped')
    .map((t) => `  ${t.id}: ${t.reason ?? ''}`);
  return [
    formatTable(['task', 'kind', 'status', 'duration', 'branch'], rows),
    '',
    `status: ${summary.status}   makespan: ${formatDuration(summary.makespan_ms)}   peak: ${summary.peak_concurrency}/${summary.max_parallel}`,
    ...(problems.length > 0 ? ['problems:', ...problems] : []),
    ...summary.tasks
      .filter((task) => task.status === 'conflict' && task.branch)
      .map(
        (task) =>
          `to continue: create ${task.branch ?? ''} holding the merge of ${task.phase === 'result' ? 'the sink phases' : 'its sources'} with the conflict resolved (git switch -c, git merge, commit), then run \`subplan resume ${summary.run_id}\``,
      ),
    summary.result_branch
      ? `result: ${summary.result_branch}`
      : 'result: none (the run did not finish cleanly; finished branches are kept)',
  ].join('\n');
}
