/**
 * The environment an agent runs with: a minimal base (PATH, HOME, the user's name, locale, time
 * zone, TMPDIR) from subplan's environment, the variables its definition names, the values it
 * sets, and `SUBPLAN_*` variables that describe the task. Never the whole environment: secrets
 * reach an agent only when the plan says so.
 */

const BASE_NAMES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR'];

export interface AgentEnvPolicy {
  /** Names passed through from the source environment when set there. */
  readonly pass: readonly string[];
  /** Values set whatever the source says. */
  readonly set: Readonly<Record<string, string>>;
}

export function agentEnv(
  source: Readonly<Record<string, string | undefined>>,
  policy: AgentEnvPolicy,
  task: { run: string; phase: string; task: string; worktree: string; branch: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  const wanted = new Set([...BASE_NAMES, ...policy.pass]);
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (wanted.has(key) || key.startsWith('LC_')) env[key] = value;
  }
  Object.assign(env, policy.set);
  env['SUBPLAN_RUN'] = task.run;
  env['SUBPLAN_PHASE'] = task.phase;
  env['SUBPLAN_TASK'] = task.task;
  env['SUBPLAN_WORKTREE'] = task.worktree;
  env['SUBPLAN_BRANCH'] = task.branch;
  return env;
}

/** Names a policy passes that the source does not have: worth a warning before a run. */
export function missingEnvNames(
  source: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
): string[] {
  return names.filter((name) => source[name] === undefined);
}
