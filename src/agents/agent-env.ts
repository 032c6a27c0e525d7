/**
 * The environment an agent runs with: the coordinator's, without git's own variables (a run
 * started from a git hook would otherwise point agents at the wrong repository), plus
 * `SUBPLAN_*` variables that describe the task.
 */
export function agentEnv(
  base: Readonly<Record<string, string | undefined>>,
  task: { run: string; phase: string; task: string; worktree: string; branch: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || key.startsWith('GIT_')) continue;
    env[key] = value;
  }
  env['SUBPLAN_RUN'] = task.run;
  env['SUBPLAN_PHASE'] = task.phase;
  env['SUBPLAN_TASK'] = task.task;
  env['SUBPLAN_WORKTREE'] = task.worktree;
  env['SUBPLAN_BRANCH'] = task.branch;
  return env;
}
