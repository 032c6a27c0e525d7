/**
 * Before a run starts anything, each agent block's program is looked up the way it will be
 * started, so a missing CLI is one located problem instead of a failure per task. The lookup
 * itself (PATH, the presets' CLIs) belongs to the caller; this module knows where the programs
 * stand in the plan. An argv[0] holding a template field is known only per task, and a relative
 * path is taken from the worktree, which does not exist yet (and may get it from `copy` or
 * `setup`): neither is checked here.
 */
import type { Diagnostic } from '../core/index.js';
import type { PresetName } from './plan-types.js';
import type { AgentFile, PlanFile } from './schema.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

/** A program to look up: a command's argv[0] or a process preset's CLI. */
export type AgentProgramRef =
  | { readonly kind: 'command'; readonly program: string; readonly searchPath?: string }
  | {
      readonly kind: 'preset';
      readonly preset: Exclude<PresetName, 'demo'>;
      readonly searchPath?: string;
    };

/**
 * Says what is wrong with a program (`undefined` when it is found). `searchPath` is the agent's
 * own `PATH` when its `env_set` gives one.
 */
export type FindProgram = (ref: AgentProgramRef) => Promise<string | undefined>;

export async function checkPrograms(
  plan: PlanFile,
  source: YamlSource,
  find: FindProgram,
): Promise<Diagnostic[]> {
  const seen = new Map<string, Promise<string | undefined>>();
  const problems = await Promise.all(
    programsOf(plan).map(async ({ path, ref }) => {
      const key = JSON.stringify(ref);
      const problem = seen.get(key) ?? find(ref);
      seen.set(key, problem);
      const message = await problem;
      return message === undefined
        ? []
        : [{ file: source.file, ...source.positionOf(path), message }];
    }),
  );
  return problems.flat();
}

function programsOf(plan: PlanFile): { path: YamlPath; ref: AgentProgramRef }[] {
  const blocks: [AgentFile | undefined, YamlPath, AgentFile | undefined][] = [
    [plan.agent, ['agent'], undefined],
    [plan.merge?.resolver, ['merge', 'resolver'], undefined],
    [plan.fix, ['fix'], undefined],
    ...plan.phases.flatMap(
      (phase, index): [AgentFile | undefined, YamlPath, AgentFile | undefined][] => [
        [phase.agent, ['phases', index, 'agent'], plan.agent],
        [phase.fix, ['phases', index, 'fix'], undefined],
      ],
    ),
  ];
  return blocks.flatMap(([agent, path, defaults]): { path: YamlPath; ref: AgentProgramRef }[] => {
    if (!agent) return [];
    const searchPath = (agent.env_set ?? defaults?.env_set)?.['PATH'];
    const where = searchPath === undefined ? {} : { searchPath };
    const program = agent.command?.[0];
    if (program !== undefined && !program.includes('{') && !isRelativePath(program))
      return [{ path: [...path, 'command', 0], ref: { kind: 'command', program, ...where } }];
    if (agent.preset !== undefined && agent.preset !== 'demo')
      return [
        { path: [...path, 'preset'], ref: { kind: 'preset', preset: agent.preset, ...where } },
      ];
    return [];
  });
}

function isRelativePath(program: string): boolean {
  return program.includes('/') && !program.startsWith('/');
}
