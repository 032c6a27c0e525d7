/**
 * Fingerprints tell `resume` whether the plan it is asked to continue is the plan that started
 * the run. The plan fingerprint hashes the canonical plan (defaults applied, keys sorted, the file
 * path left out so a moved file is the same plan), the agent definitions and the base commit.
 * Each phase also gets its own, so a mismatch can name the phases that changed. `agentCode`
 * holds, per phase, a digest of the files its agents run (a codemod, an agent script): editing
 * one changes the phase. A phase whose agents name no file keeps the fingerprint it always had.
 */
import { createHash } from 'node:crypto';
import type { PhaseDefinition, Plan } from '../plan/index.js';

/** Per phase id, a digest of the files its agents run; see `run/agent-code.ts`. */
export type AgentCodeDigests = Readonly<Record<string, string>>;

export function planFingerprint(
  plan: Plan,
  baseCommit: string,
  agentCode: AgentCodeDigests = {},
): string {
  return hash({
    name: plan.name,
    base: plan.base,
    maxParallel: plan.maxParallel ?? null,
    onFailure: plan.onFailure,
    // Only when set, so plans without a resolver keep the fingerprints they always had.
    ...(plan.merge && { merge: plan.merge }),
    phases: plan.phases.map((phase) => phaseFingerprint(phase, agentCode[phase.id])),
    baseCommit,
  });
}

export function phaseFingerprints(
  plan: Plan,
  agentCode: AgentCodeDigests = {},
): Record<string, string> {
  return Object.fromEntries(
    plan.phases.map((phase) => [phase.id, phaseFingerprint(phase, agentCode[phase.id])]),
  );
}

export function phaseFingerprint(phase: PhaseDefinition, agentCode?: string): string {
  return hash(agentCode === undefined ? phase : { ...phase, agentCode });
}

function hash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted at every level, so equal values always serialize the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : inner,
  );
}
