/**
 * Loads a plan file: bytes → YAML with positions → schema → whole-plan checks → `Plan`.
 * Every problem is collected and reported with its position; nothing stops at the first.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { z } from 'zod';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { PlanError, parseDuration } from '../core/index.js';
import type { Diagnostic } from '../core/index.js';
import { checkPhaseGraph } from './check-phase-graph.js';
import { describeIssue, keyLabel, suggestKey } from './describe-issue.js';
import { checkGlob } from './check-glob.js';
import { checkPrograms } from './check-programs.js';
import type { FindProgram } from './check-programs.js';
import { PROMPT_FIELDS, TEMPLATE_FIELDS, placeholderTypos } from './template-fields.js';
import { symlinkProblem, symlinksLeavingRepo } from './check-symlinks.js';
import type { RepoSymlink } from './check-symlinks.js';
import { findNulStrings } from './find-nul-strings.js';
import { tightestIssues } from './tightest-issues.js';
import { AgentSchema, DecomposeSchema, PhaseSchema, PlanFileSchema } from './schema.js';
import type { AgentFile, DecomposeFile, PhaseFile, PlanFile } from './schema.js';
import type { AgentDefinition, DecomposeSettings, Plan, WorktreeSetup } from './plan-types.js';
import { parseYamlSource } from './yaml-source.js';
import { checkGates, mergePolicy, verifyGate } from './gates.js';
import { MergeSchema } from './schema.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

/**
 * Plans are small (a hundred phases with long prompts fit in a tenth of this). Parsing cost grows
 * with size and a hostile 1 MB file took seconds of CPU, so larger files are refused unread.
 */
export const MAX_PLAN_BYTES = 128 * 1024;

export type PlanParseResult =
  | { readonly ok: true; readonly plan: Plan; readonly warnings?: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export interface LoadPlanOptions {
  /** How the file is named in diagnostics. @default the path as given */
  readonly displayPath?: string;
  /**
   * The symlinks tracked at the plan's `base` in the repository it will run against, with that
   * repository's root; undefined when there is none to check against. Globs that reach a
   * symlink leading out of the repository are then reported like any other problem.
   */
  readonly repoSymlinks?: (
    base: string,
  ) => Promise<{ root: string; links: readonly RepoSymlink[] } | undefined>;
  /** Looks up the agents' programs; absent means they are not checked. */
  readonly findProgram?: FindProgram;
  /**
   * Whether a program not found fails the plan (about to run here) or is a warning (the plan
   * may run on another machine). @default 'error'
   */
  readonly missingProgram?: 'error' | 'warning';
}

/** Reads and validates a plan file; throws `PlanError` listing every problem. */
export async function loadPlan(path: string, options: LoadPlanOptions = {}): Promise<Plan> {
  const result = await readPlan(path, options);
  if (!result.ok) throw new PlanError(result.diagnostics);
  return result.plan;
}

/** Like `loadPlan`, returning the diagnostics as a value. */
export async function readPlan(
  path: string,
  options: LoadPlanOptions = {},
): Promise<PlanParseResult> {
  const display = options.displayPath ?? path;
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) return fail(display, 'not a regular file');
    if (info.size > MAX_PLAN_BYTES) return tooLarge(display, info.size);
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      display,
      code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? 'unknown error'})`,
    );
  }
  const { result, source } = parseWithSource(bytes, { file: resolve(path), displayPath: display });
  if (!result.ok || !source) return result;
  const planFile = source.value as PlanFile;
  const diagnostics: Diagnostic[] = [];
  const repo = await options.repoSymlinks?.(result.plan.base);
  if (repo) {
    const leaving = symlinksLeavingRepo(repo.links, repo.root);
    for (const { path, pattern } of repoGlobs(planFile)) {
      const problem = symlinkProblem(pattern, leaving, 'glob');
      if (problem)
        diagnostics.push({ file: source.file, ...source.positionOf(path), message: problem });
    }
  }
  const missing = options.findProgram
    ? await checkPrograms(planFile, source, options.findProgram)
    : [];
  if (options.missingProgram === 'warning') {
    if (diagnostics.length > 0) return { ok: false, diagnostics };
    return missing.length > 0 ? { ...result, warnings: missing } : result;
  }
  diagnostics.push(...missing);
  return diagnostics.length > 0 ? { ok: false, diagnostics: sortDiagnostics(diagnostics) } : result;
}

/** Every glob of a valid plan that names files of the repository, with where it stands. */
function repoGlobs(plan: PlanFile): { path: YamlPath; pattern: string }[] {
  const at = (prefix: YamlPath, patterns: readonly string[] | undefined) =>
    (patterns ?? []).map((pattern, index) => ({ path: [...prefix, index], pattern }));
  return [
    ...at(['copy'], plan.copy),
    ...at(['scope_extra'], plan.scope_extra),
    ...plan.phases.flatMap((phase, index) => [
      ...at(['phases', index, 'files'], phase.files),
      ...at(['phases', index, 'copy'], phase.copy),
      ...at(['phases', index, 'scope_extra'], phase.scope_extra),
    ]),
  ];
}

/** Validates plan bytes already in memory. `file` anchors relative paths; `displayPath` names it. */
export function parsePlanBytes(
  bytes: Uint8Array,
  where: { file: string; displayPath: string },
): PlanParseResult {
  return parseWithSource(bytes, where).result;
}

/** The result, and the parsed YAML for locating later problems when there is one. */
function parseWithSource(
  bytes: Uint8Array,
  where: { file: string; displayPath: string },
): { result: PlanParseResult; source?: YamlSource } {
  if (bytes.length > MAX_PLAN_BYTES) return { result: tooLarge(where.displayPath, bytes.length) };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return {
      result: {
        ok: false,
        diagnostics: [
          { file: where.displayPath, ...bad, message: 'the file is not valid UTF-8 text' },
        ],
      },
    };
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  // A lone CR (old Mac line ends) is a line break in YAML 1.2 but not to the parser; one
  // character for one keeps every position the same.
  text = text.replace(/\r(?!\n)/g, '\n');
  if (text.trim() === '') return { result: fail(where.displayPath, 'the plan file is empty') };
  const parsed = parseYamlSource(text, where.displayPath);
  if (!parsed.ok) return { result: parsed };
  return { result: validateSource(parsed.source, where.file), source: parsed.source };
}

function validateSource(source: YamlSource, file: string): PlanParseResult {
  const diagnostics: Diagnostic[] = [];
  const at = (path: YamlPath, message: string) =>
    diagnostics.push({ file: source.file, ...source.positionOf(path), message });

  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
    at([], 'expected the plan to be a mapping with `version` and `phases`');
    return { ok: false, diagnostics };
  }
  for (const path of findNulStrings(source.value))
    at(path, `\`${keyLabel(path)}\` contains a NUL character, which cannot be passed to an agent`);
  const checked = PlanFileSchema.safeParse(source.value);
  if (!checked.success) {
    const issues = checked.error.issues.flatMap((i) => explainUnion(i, source.value));
    for (const issue of tightestIssues(issues)) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const hint = suggestKey(key, knownKeysAt(issue.path));
          diagnostics.push({
            file: source.file,
            ...source.positionOfKey(issue.path, key),
            message: `unknown key \`${key}\`${hint ? ` (did you mean \`${hint}\`?)` : ''}`,
          });
        }
      } else {
        at(issue.path, describeIssue(issue, valueAt(source.value, issue.path)));
      }
    }
    // Whole-plan checks still run on whatever phases are well-formed, so one pass shows all.
    for (const problem of checkPhaseGraph(wellFormedPhases(source.value)))
      at(problem.path, problem.message);
    return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  }
  const planFile = checked.data;
  for (const problem of checkPhaseGraph(planFile.phases)) at(problem.path, problem.message);
  for (const { path, pattern } of repoGlobs(planFile)) {
    const problem = checkGlob(pattern);
    if (problem) at(path, problem);
  }
  planFile.phases.forEach((phase, index) => {
    // A top-level agent without a program is reported where it stands, not once per phase.
    if (hasProgram(phase.agent) || planFile.agent) return;
    at(
      phase.agent ? ['phases', index, 'agent'] : ['phases', index],
      phase.agent
        ? `phase \`${phase.id}\` has no agent: set \`preset\`, \`command\` or \`module\` in its \`agent\`, or an agent at the top of the plan`
        : `phase \`${phase.id}\` has no agent: set \`agent\` on the phase or at the top of the plan`,
    );
  });
  checkDecomposeLimits(planFile.decompose, planFile.decompose, ['decompose'], at);
  checkGates(planFile, at, (agent, path) => checkAgentChoice(agent, path, file, at));
  planFile.phases.forEach((phase, index) => {
    if (typeof phase.decompose === 'object')
      checkDecomposeLimits(
        { ...planFile.decompose, ...phase.decompose },
        phase.decompose,
        ['phases', index, 'decompose'],
        at,
      );
  });
  planFile.phases.forEach((phase, index) => {
    for (const problem of placeholderTypos(phase.prompt, PROMPT_FIELDS))
      at(['phases', index, 'prompt'], problem);
  });
  checkAgentChoice(planFile.agent, ['agent'], file, at);
  planFile.phases.forEach((phase, index) => {
    checkAgentChoice(phase.agent, ['phases', index, 'agent'], file, at);
    checkInheritedModel(phase.agent, planFile.agent, ['phases', index, 'agent', 'model'], at);
  });
  if (diagnostics.length > 0) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  return { ok: true, plan: normalizePlan(planFile, file) };
}

/**
 * A union (`decompose: true | {...}`) fails as a whole; say what is wrong inside the branch the
 * user meant: the mapping's own problems for a mapping, else the list of accepted forms.
 */
function explainUnion(issue: z.core.$ZodIssue, root: unknown): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const input = valueAt(root, issue.path);
  const isMapping = input !== null && typeof input === 'object' && !Array.isArray(input);
  const branch = issue.errors.find((errors) =>
    errors.some((e) => e.path.length > 0 || e.code !== 'invalid_type'),
  );
  if (isMapping && branch) {
    return branch.flatMap((nested) =>
      explainUnion({ ...nested, path: [...issue.path, ...nested.path] }, root),
    );
  }
  const expected = issue.errors
    .map((errors) => errors[0])
    .filter((e) => e?.code === 'invalid_type')
    .map((e) => (e?.code === 'invalid_type' ? e.expected : ''));
  const names = expected.map((name) =>
    name === 'boolean' ? '`true` or `false`' : name === 'object' ? 'a mapping' : name,
  );
  return [{ ...issue, code: 'custom', message: `expected ${names.join(' or ')}` }];
}

/** `own` is the block at `path`: the message points at the limit that block itself sets. */
function checkDecomposeLimits(
  settings: DecomposeFile | undefined,
  own: DecomposeFile | undefined,
  path: YamlPath,
  at: (p: YamlPath, m: string) => void,
) {
  if (!settings) return;
  const min = settings.min_files_per_subplan ?? 3;
  const max = settings.max_files_per_subplan ?? 25;
  if (min > max) {
    at(
      [
        ...path,
        own?.min_files_per_subplan === undefined
          ? 'max_files_per_subplan'
          : 'min_files_per_subplan',
      ],
      `\`min_files_per_subplan\` (${min}) is larger than \`max_files_per_subplan\` (${max})`,
    );
  }
}

const PROCESS_PRESETS: ReadonlySet<string> = new Set(['claude', 'codex', 'aider', 'gemini']);

function checkAgentChoice(
  agent: AgentFile | undefined,
  path: YamlPath,
  planFile: string,
  at: (p: YamlPath, m: string) => void,
) {
  if (!agent) return;
  const count = (agent.preset ? 1 : 0) + (agent.command ? 1 : 0) + (agent.module ? 1 : 0);
  if (count > 1 || (count === 0 && path[0] !== 'phases')) {
    at(
      path,
      count === 0
        ? 'an agent needs one of `preset`, `command` or `module`'
        : 'an agent takes one of `preset`, `command` or `module`, not several',
    );
  }
  if (agent.model !== undefined && agent.preset !== undefined && !PROCESS_PRESETS.has(agent.preset))
    at([...path, 'model'], `the \`${agent.preset}\` preset takes no model`);
  if (agent.model !== undefined && (agent.command || agent.module))
    at([...path, 'model'], '`model` applies to presets; put the flag in `command` instead');
  for (const key of ['command', 'args'] as const) {
    (agent[key] ?? []).forEach((element, index) => {
      for (const problem of placeholderTypos(element, TEMPLATE_FIELDS))
        at([...path, key, index], problem);
    });
  }
  if (agent.module !== undefined) {
    const modulePath = resolveModulePath(planFile, agent.module);
    if (!existsSync(modulePath))
      at([...path, 'module'], `no such module: ${agent.module} (looked for ${modulePath})`);
  }
  (agent.retry_on?.output ?? []).forEach((text, index) => {
    try {
      new RegExp(text);
    } catch (error) {
      at(
        [...path, 'retry_on', 'output', index],
        `not a valid regular expression: ${(error as Error).message}`,
      );
    }
  });
}

/** A phase's `model` over the top-level program must suit that program, as its own would. */
function checkInheritedModel(
  own: AgentFile | undefined,
  defaults: AgentFile | undefined,
  path: YamlPath,
  at: (p: YamlPath, m: string) => void,
) {
  if (own?.model === undefined || hasProgram(own) || !defaults) return;
  if (defaults.command || defaults.module)
    at(
      path,
      `\`model\` applies to presets, and the top-level agent is a \`${defaults.command ? 'command' : 'module'}\``,
    );
  else if (defaults.preset !== undefined && !PROCESS_PRESETS.has(defaults.preset))
    at(path, `the \`${defaults.preset}\` preset takes no model`);
}

function hasProgram(agent: AgentFile | undefined): agent is AgentFile {
  return agent?.preset !== undefined || agent?.command !== undefined || agent?.module !== undefined;
}

function resolveModulePath(planFile: string, module: string): string {
  return isAbsolute(module) ? module : resolve(dirname(planFile), module);
}

function normalizePlan(planFile: PlanFile, file: string): Plan {
  const defaults = planFile.agent;
  return {
    version: 1,
    name: planFile.name ?? basename(file, extname(file)),
    file,
    ...mergePolicy(planFile.merge, (agent) => mergeAgents(undefined, agent, file)),
    base: planFile.base ?? 'HEAD',
    ...(planFile.max_parallel !== undefined && { maxParallel: planFile.max_parallel }),
    onFailure: planFile.on_failure ?? 'continue',
    ...(planFile.budget_usd !== undefined && { budgetUsd: planFile.budget_usd }),
    phases: planFile.phases.map((phase) => {
      const estimateMs = phase.estimate === undefined ? undefined : parseDuration(phase.estimate);
      const decompose = decomposeSettings(planFile.decompose, phase.decompose);
      const verify = verifyGate(planFile, phase, (agent) => mergeAgents(undefined, agent, file));
      return {
        id: phase.id,
        ...(verify && { verify }),
        prompt: phase.prompt,
        dependsOn: [...new Set(phase.depends_on ?? [])].sort(),
        files: phase.files ?? [],
        ...(estimateMs !== undefined && { estimateMs }),
        agent: mergeAgents(defaults, phase.agent, file),
        ...(decompose && { decompose }),
        setup: worktreeSetup(planFile, phase),
        scope: phase.scope ?? planFile.scope ?? 'report',
        scopeExtra: phase.scope_extra ?? planFile.scope_extra ?? [],
      };
    }),
  };
}

/** The phase's decomposition settings: plan defaults, then the phase's own overrides. */
function decomposeSettings(
  defaults: DecomposeFile | undefined,
  own: PhaseFile['decompose'],
): DecomposeSettings | undefined {
  if (own === undefined || own === false) return undefined;
  const merged = { ...defaults, ...(own === true ? {} : own) };
  return {
    maxFiles: merged.max_files_per_subplan ?? 25,
    minFiles: merged.min_files_per_subplan ?? 3,
    maxTokens: merged.max_tokens_per_subplan ?? 60_000,
    maxDepth: merged.max_depth ?? 5,
    maxChildren: merged.max_children ?? 8,
    strategy: merged.strategy ?? 'auto',
  };
}

/** A phase's own `setup` and `copy` replace the plan's. */
function worktreeSetup(planFile: PlanFile, phase: PhaseFile): WorktreeSetup {
  return {
    commands: phase.setup ?? planFile.setup ?? [],
    copy: phase.copy ?? planFile.copy ?? [],
  };
}

/** Default wait after a rate-limit answer; it doubles with each one. */
const RATE_LIMIT_WAIT_MS = 30_000;
const RATE_LIMIT_RETRIES = 5;

/**
 * Every key a phase's agent leaves unset falls back to the default's, except that `model` and
 * `args` belong to a program: a phase naming its own program takes neither from the default
 * (another CLI would not understand them).
 */
function mergeAgents(
  defaults: AgentFile | undefined,
  own: AgentFile | undefined,
  planFile: string,
): AgentDefinition {
  const ownProgram = hasProgram(own);
  const programSource = ownProgram ? own : defaults;
  const option = <K extends keyof AgentFile>(key: K): AgentFile[K] => own?.[key] ?? defaults?.[key];
  const programOption = <K extends 'model' | 'args'>(key: K): AgentFile[K] =>
    ownProgram ? own[key] : option(key);
  const timeout = option('timeout');
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
  const model = programOption('model');
  const program: AgentDefinition['program'] = programSource?.command
    ? { kind: 'command', argv: programSource.command }
    : programSource?.module
      ? { kind: 'module', path: resolveModulePath(planFile, programSource.module) }
      : { kind: 'preset', preset: presetOf(programSource), ...(model !== undefined && { model }) };
  const retryOn = option('retry_on');
  const rateLimit = option('rate_limit');
  return {
    program,
    extraArgs: programOption('args') ?? [],
    envPass: option('env') ?? [],
    envSet: option('env_set') ?? {},
    retries: option('retries') ?? 0,
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(retryOn && {
      retryOn: { exitCodes: retryOn.exit_codes ?? [], output: retryOn.output ?? [] },
    }),
    rateLimit: {
      retries: rateLimit?.retries ?? RATE_LIMIT_RETRIES,
      waitMs:
        rateLimit?.wait === undefined
          ? RATE_LIMIT_WAIT_MS
          : (parseDuration(rateLimit.wait) ?? RATE_LIMIT_WAIT_MS),
    },
  };
}

/** Validation guarantees every agent a program; the demo runs only when a plan names it. */
function presetOf(agent: AgentFile | undefined): NonNullable<AgentFile['preset']> {
  if (agent?.preset === undefined)
    throw new Error('bug: an agent without a program passed validation');
  return agent.preset;
}

/** Phases whose id and depends_on have the right shape; others keep their index as a gap. */
function wellFormedPhases(value: object): Pick<PhaseFile, 'id' | 'depends_on'>[] {
  const phases = (value as { phases?: unknown }).phases;
  if (!Array.isArray(phases)) return [];
  return phases.map((phase: unknown, index) => {
    const { id, depends_on } = (phase ?? {}) as { id?: unknown; depends_on?: unknown };
    const deps = Array.isArray(depends_on)
      ? depends_on.filter((d): d is string => typeof d === 'string')
      : [];
    return { id: typeof id === 'string' ? id : `\u0000${index}`, depends_on: deps };
  });
}

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  const last = path.at(-1);
  if (last === 'resolver' || last === 'fix') return Object.keys(AgentSchema.shape);
  if (last === 'merge') return Object.keys(MergeSchema.shape);
  if (path.length === 0) return Object.keys(PlanFileSchema.shape);
  if (last === 'agent') return Object.keys(AgentSchema.shape);
  if (last === 'retry_on') return ['exit_codes', 'output'];
  if (last === 'rate_limit') return ['retries', 'wait'];
  if (last === 'decompose') return Object.keys(DecomposeSchema.shape);
  if (path[0] === 'phases' && path.length === 2) return Object.keys(PhaseSchema.shape);
  return [];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

function tooLarge(file: string, size: number): PlanParseResult {
  return fail(file, `plan file is ${size} bytes; plans are limited to ${MAX_PLAN_BYTES} bytes`);
}

function fail(file: string, message: string): PlanParseResult {
  return { ok: false, diagnostics: [{ file, message }] };
}

function firstInvalidUtf8(bytes: Uint8Array): { line: number; col: number } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(lineStart, i));
      } catch {
        return { line, col: 1 };
      }
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: 1 };
}
