/**
 * Looks an agent's program up as its process will be started: execa spawns it with the agent's
 * environment, whose `PATH` is subplan's unless the agent sets its own, so the same `PATH` is
 * searched here.
 */
import which from 'which';
import type { FindProgram } from '../plan/index.js';
import { presetArgv } from './presets.js';

/** A `FindProgram` for agents started from an environment like `env`. */
export function programFinder(env: Readonly<Record<string, string | undefined>>): FindProgram {
  return async (ref) => {
    const program =
      ref.kind === 'command' ? ref.program : (presetArgv(ref.preset)[0] ?? ref.preset);
    const found = await which(program, { path: ref.searchPath ?? env['PATH'] ?? '' }).then(
      () => true,
      () => false,
    );
    if (found) return undefined;
    if (ref.kind === 'preset')
      return `the \`${ref.preset}\` preset runs \`${program}\`, which is not found on PATH (is it installed?)`;
    return program.includes('/')
      ? `agent program \`${program}\` not found or not executable`
      : `agent program \`${program}\` not found on PATH`;
  };
}
