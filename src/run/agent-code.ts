/**
 * The content of the files an agent definition runs, for the fingerprints: editing a codemod or
 * an agent script must change its phase's fingerprint, or the result cache serves the old
 * script's output and `resume` keeps its tasks. A `module:` agent's file counts, and for a
 * `command:` every argv element that names an existing regular file that is code: executable,
 * or with a script's extension. Other files (a log, a counter, a data file the agent writes)
 * change with every run and would make every resume refuse the plan. An agent runs in its
 * worktree (`.subplan/worktrees/<run>/<w>`), so a relative element is looked up where the agent
 * will see it: inside the worktree it is the checkout's file at that path (a tracked file also
 * changes the task's input tree; an untracked one may be a `copy` file); a path climbing out of
 * the worktree is resolved from a worktree's place, which is the same for every run. It is also
 * looked up next to the plan file, where people tend to write paths from. argv[0] found on PATH
 * (no `/`) or given as an absolute path outside the repository and the plan's folder
 * (`/usr/bin/node`) is an installed tool and is left out: hashing node or claude would change
 * every fingerprint on an upgrade, and they are not the plan's code.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { AgentDefinition, Plan } from '../plan/index.js';

/** Larger files are not hashed: an agent's own code is small, a binary is not the plan's. */
export const MAX_AGENT_FILE_BYTES = 4 * 1024 * 1024;

export interface AgentCode {
  /** Per phase id: a digest of its agents' files; absent when they name no file. */
  readonly phases: Readonly<Record<string, string>>;
  /** Files too large to hash, for a warning. */
  readonly notes: readonly string[];
}

export async function readAgentCode(plan: Plan, repoRoot: string): Promise<AgentCode> {
  const notes = new Set<string>();
  const phases: Record<string, string> = {};
  for (const phase of plan.phases) {
    const agents = [phase.agent, ...(phase.verify?.fix ? [phase.verify.fix] : [])];
    const files: [string, string][] = [];
    for (const agent of agents) {
      for (const path of candidatePaths(agent, plan.file, repoRoot)) {
        const digest = await fileDigest(path, notes, agent.program.kind === 'module');
        if (digest !== undefined) files.push([path, digest]);
      }
    }
    if (files.length > 0)
      phases[phase.id] = createHash('sha256').update(JSON.stringify(files)).digest('hex');
  }
  return { phases, notes: [...notes] };
}

function candidatePaths(agent: AgentDefinition, planFile: string, repoRoot: string): string[] {
  const program = agent.program;
  if (program.kind === 'module') return [program.path];
  const argv = program.kind === 'command' ? program.argv : [];
  const ownFolders = [repoRoot, dirname(planFile)];
  const isOwnProgram = (program: string) =>
    program.includes('/') &&
    (!isAbsolute(program) || ownFolders.some((folder) => isWithin(folder, program)));
  const elements = [...argv.filter((arg, i) => i > 0 || isOwnProgram(arg)), ...agent.extraArgs];
  // Only the worktree's depth matters for `..`: any run id and worktree name give the same path.
  const worktree = join(repoRoot, '.subplan', 'worktrees', 'run', 'w');
  const paths = new Set<string>();
  for (const element of elements) {
    // A template field is the task's, not the plan's: its value is not known here.
    if (element === '' || element.includes('{')) continue;
    if (isAbsolute(element)) {
      paths.add(element);
      continue;
    }
    const seen = resolve(worktree, element);
    const inside = relative(worktree, seen);
    const outside = inside === '..' || inside.startsWith(`..${sep}`);
    paths.add(outside ? seen : resolve(repoRoot, element));
    paths.add(resolve(dirname(planFile), element));
  }
  return [...paths].sort();
}

function isWithin(folder: string, path: string): boolean {
  const inside = relative(folder, path);
  return inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}

const SCRIPT_EXTENSIONS = new Set(
  ['sh', 'bash', 'zsh', 'js', 'mjs', 'cjs', 'ts', 'mts', 'cts', 'py', 'rb', 'pl', 'php', 'lua'].map(
    (ext) => `.${ext}`,
  ),
);

async function fileDigest(
  path: string,
  notes: Set<string>,
  always: boolean,
): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  // Any execute bit: the file is a program.
  const isCode = always || (info.mode & 0o111) !== 0 || SCRIPT_EXTENSIONS.has(extname(path));
  if (!isCode) return undefined;
  if (info.size > MAX_AGENT_FILE_BYTES) {
    notes.add(
      `the agent file ${path} is over ${MAX_AGENT_FILE_BYTES / 1024 / 1024} MiB: a change to it does not change the result cache key or the plan fingerprint`,
    );
    return undefined;
  }
  const content = await readFile(path).catch(() => undefined);
  return content && createHash('sha256').update(content).digest('hex');
}
