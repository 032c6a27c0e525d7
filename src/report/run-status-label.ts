/**
 * A run's status as `status` and `list` show it. A run whose state says running but whose
 * process is gone (kill -9, a crash) stopped without finishing: it needs `resume`, not patience,
 * so it must not read as plain `running`.
 */
export function runStatusLabel(run: { readonly status: string; readonly alive: boolean }): string {
  return run.status === 'running' && !run.alive ? 'running, but its process is gone' : run.status;
}
