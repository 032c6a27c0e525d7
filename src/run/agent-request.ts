/**
 * Pieces of an agent task's request that follow from the plan alone: how its agent is launched,
 * what it may change, its commit message. Plain data, so the request crosses to workers as is.
 */
import type { AgentLaunch } from '../agents/index.js';
import type { ScopeRequest } from '../execute/index.js';
import type { PhaseDefinition } from '../plan/index.js';

export function launchFields(launch: AgentLaunch): {
  argvTemplate: readonly string[];
  module?: string;
  envPass?: readonly string[];
  envSet?: Readonly<Record<string, string>>;
  scratch?: readonly string[];
  usage?: NonNullable<Extract<AgentLaunch, { kind: 'process' }>['usage']>;
} {
  if (launch.kind === 'module') return { argvTemplate: [], module: launch.path };
  return {
    argvTemplate: launch.argvTemplate,
    envPass: launch.envPass,
    envSet: launch.envSet,
    scratch: launch.scratch,
    ...(launch.usage && { usage: launch.usage }),
  };
}

/**
 * What a task may change: a subplan's own files, or the phase's globs for a whole phase, plus
 * `scope_extra`. A phase without `files` covers the whole repository: nothing to check.
 */
export function scopeOf(
  phase: PhaseDefinition,
  subplanFiles: readonly string[] | undefined,
): ScopeRequest | undefined {
  if (subplanFiles === undefined && phase.files.length === 0) return undefined;
  return {
    files: subplanFiles ?? [],
    globs: [...(subplanFiles === undefined ? phase.files : []), ...phase.scopeExtra],
    strict: phase.scope === 'strict',
  };
}

export function withScope(scope: ScopeRequest | undefined): { scope?: ScopeRequest } {
  return scope ? { scope } : {};
}

export function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 72 ? `${line.slice(0, 69)}...` : line;
}
