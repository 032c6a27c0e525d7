/**
 * The plan's gates around merges: the conflict resolver (`merge:`) and the verify commands with
 * their fix agent (`verify:`, `fix:`, on a phase or as plan defaults). Checks that span keys live
 * here, and so does their normalization, so `load-plan.ts` only calls in.
 */
import type { AgentDefinition, MergePolicy, VerifyGate } from './plan-types.js';
import type { AgentFile, MergeFile, PhaseFile, PlanFile } from './schema.js';
import type { YamlPath } from './yaml-source.js';

type Report = (path: YamlPath, message: string) => void;
type NormalizeAgent = (agent: AgentFile) => AgentDefinition;

/**
 * A resolver only with `on_conflict: agent`, and the other way round; a `fix` only with a
 * `verify`; resolver and fix agents name their program (`checkAgent` checks the rest).
 */
export function checkGates(
  planFile: PlanFile,
  at: Report,
  checkAgent: (agent: AgentFile | undefined, path: YamlPath) => void,
): void {
  const gateAgents: [AgentFile | undefined, YamlPath][] = [
    [planFile.merge?.resolver, ['merge', 'resolver']],
    [planFile.fix, ['fix']],
    ...planFile.phases.map((phase, index): [AgentFile | undefined, YamlPath] => [
      phase.fix,
      ['phases', index, 'fix'],
    ]),
  ];
  for (const [agent, path] of gateAgents) {
    checkAgent(agent, path);
    // A phase's own agent may leave its program to the plan's default; a gate's agent may not.
    if (agent && path[0] === 'phases' && !hasProgram(agent))
      at(path, 'an agent needs one of `preset` or `command`');
    if (agent?.module !== undefined)
      at(
        [...path, 'module'],
        'a resolver or fix agent runs as a process: use `preset` or `command`',
      );
  }
  const merge = planFile.merge;
  if (merge?.on_conflict === 'agent' && merge.resolver === undefined) {
    at(['merge', 'on_conflict'], '`on_conflict: agent` needs a `resolver` agent under `merge`');
  }
  if (merge?.resolver !== undefined && merge.on_conflict !== 'agent') {
    at(['merge', 'resolver'], 'a `resolver` runs only with `on_conflict: agent`');
  }
  planFile.phases.forEach((phase, index) => {
    if (phase.fix !== undefined && (phase.verify ?? planFile.verify ?? []).length === 0) {
      at(
        ['phases', index, 'fix'],
        `\`fix\` repairs a failing \`verify\`, but phase \`${phase.id}\` has no \`verify\` commands`,
      );
    }
  });
}

function hasProgram(agent: AgentFile): boolean {
  return agent.preset !== undefined || agent.command !== undefined;
}

export function mergePolicy(
  merge: MergeFile | undefined,
  normalize: NormalizeAgent,
): { merge?: MergePolicy } {
  if (merge?.on_conflict !== 'agent' || merge.resolver === undefined) return {};
  return { merge: { onConflict: 'agent', resolver: normalize(merge.resolver) } };
}

/** A phase's own `verify` and `fix` win over the plan's; no commands means no gate. */
export function verifyGate(
  planFile: PlanFile,
  phase: PhaseFile,
  normalize: NormalizeAgent,
): VerifyGate | undefined {
  const commands = phase.verify ?? planFile.verify ?? [];
  if (commands.length === 0) return undefined;
  const fix = phase.fix ?? planFile.fix;
  return { commands, ...(fix && { fix: normalize(fix) }) };
}
