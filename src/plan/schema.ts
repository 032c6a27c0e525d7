/**
 * The plan file format, version 1: the one source of truth for validation, for the TypeScript
 * types of the raw file and for the JSON Schema that `subplan schema` prints. Keys are the
 * user's snake_case; `load-plan.ts` maps them to camelCase once.
 */
import { z } from 'zod';
import { PHASE_ID_PATTERN, parseDuration } from '../core/index.js';

/** Presets the agent layer knows how to run. */
export const AGENT_PRESETS = ['demo', 'claude', 'codex', 'aider', 'gemini'] as const;

const DURATION_EXPECTED = 'expected a duration such as `30s`, `20m`, `2h` or `1h30m`';
// A bare number (`timeout: 5`) gets the same message as a bad string: it lacks its unit.
const duration = z
  .string({ error: (issue) => (issue.input === undefined ? undefined : DURATION_EXPECTED) })
  .refine((text) => parseDuration(text) !== undefined, { message: DURATION_EXPECTED })
  .meta({
    description: 'A duration: `500ms`, `30s`, `20m`, `2h`, `1h30m`.',
    pattern: '^(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?$',
  });

const phaseId = z
  .string()
  .regex(PHASE_ID_PATTERN, {
    message:
      'expected an id of lowercase letters, digits and dashes, starting with a letter or digit',
  })
  .max(64);

const glob = z.string().min(1).meta({ description: 'A glob relative to the repository root.' });

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name' });

const argv = z.array(z.string()).min(1).meta({ description: 'A command as an argv array.' });

/** A regular expression given as text; checked to compile when the plan loads. */
const pattern = z.string().min(1).meta({ description: 'A JavaScript regular expression.' });

export const AgentSchema = z
  .strictObject({
    preset: z.enum(AGENT_PRESETS).optional().meta({ description: 'A built-in agent.' }),
    command: argv.optional().meta({
      description:
        'argv of the agent; template fields {prompt} {phase} {subplan} {worktree} {branch} {run} {files} {files_file} are substituted inside each element. Never run through a shell.',
    }),
    module: z.string().min(1).optional().meta({
      description:
        'A JavaScript module (relative to the plan file, or absolute) whose default export `async ({ files, worktree, prompt, signal }) => void` edits the worktree; runs inside subplan, no process.',
    }),
    model: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "The model a preset asks for (the CLI's own --model flag)." }),
    args: z
      .array(z.string())
      .optional()
      .meta({ description: "Extra argv elements after a preset's or command's own." }),
    env: z.array(envName).optional().meta({
      description:
        "Names of environment variables passed to the agent from subplan's environment (agents get only PATH, HOME, locale and TMPDIR otherwise).",
    }),
    env_set: z
      .record(envName, z.string())
      .optional()
      .meta({ description: 'Environment variables set for the agent.' }),
    timeout: duration.optional(),
    retries: z
      .int()
      .min(0)
      .max(10)
      .optional()
      .meta({ description: 'Extra attempts after a failure.' }),
    retry_on: z
      .strictObject({
        exit_codes: z.array(z.int()).optional(),
        output: z.array(pattern).optional(),
      })
      .optional()
      .meta({
        description:
          'Only failures with one of these exit codes, or output matching one of these patterns, are retried (default: every failure).',
      }),
    rate_limit: z
      .strictObject({
        retries: z
          .int()
          .min(0)
          .max(100)
          .optional()
          .meta({ description: 'Waits after rate-limit answers, at most (default 5).' }),
        wait: duration
          .optional()
          .meta({ description: 'First wait; it doubles each time (default 30s).' }),
      })
      .optional()
      .meta({
        description:
          'Rate-limit answers (HTTP 429, "rate limit", "overloaded") wait and retry without counting as failures.',
      }),
  })
  .meta({ description: 'How a task is carried out: one of `preset`, `command` or `module`.' });

/** Decomposition strategies the decomposer knows. */
export const DECOMPOSE_STRATEGIES = ['auto', 'directory', 'imports', 'cochange'] as const;

const verifyCommands = z.array(z.array(z.string()).min(1)).meta({
  description:
    'Commands run, in order, on the merged result before dependents start; each is an argv array such as `[npm, test]`, never run through a shell. A failing command fails the phase.',
});

const fixAgent = AgentSchema.meta({
  description:
    'An agent that gets one attempt to repair a failing `verify`: it runs in the verify worktree with the template field {verify_output} (a file holding the failing output); its changes are committed and verify runs again.',
});

/** What a conflicted merge does: fail (a person resolves it) or run the resolver agent. */
export const MERGE_CONFLICT_POLICIES = ['fail', 'agent'] as const;

export const MergeSchema = z
  .strictObject({
    on_conflict: z.enum(MERGE_CONFLICT_POLICIES).optional().meta({
      description: '`fail` (default): the merge stops for a person; `agent`: the resolver runs.',
    }),
    resolver: AgentSchema.meta({
      description:
        'The agent that resolves a conflicted merge, in a worktree holding the conflicted state; template field {conflicts} lists the conflicted files. Accepted only when no conflict markers remain.',
    }).optional(),
  })
  .meta({ description: 'How merges handle conflicts.' });

export const DecomposeSchema = z
  .strictObject({
    max_files_per_subplan: z
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .meta({ description: 'Files per leaf at most (default 25).' }),
    min_files_per_subplan: z
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .meta({ description: 'A node with fewer files is never split (default 3).' }),
    max_tokens_per_subplan: z
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Estimated tokens (bytes / 4) per leaf at most (default 60000).' }),
    max_depth: z
      .int()
      .min(1)
      .max(20)
      .optional()
      .meta({ description: 'Deepest level of the tree (default 5).' }),
    max_children: z
      .int()
      .min(2)
      .max(1000)
      .optional()
      .meta({ description: 'Children of one node at most (default 8).' }),
    strategy: z
      .enum(DECOMPOSE_STRATEGIES)
      .optional()
      .meta({ description: 'How files are clustered (default auto).' }),
  })
  .meta({ description: 'How a large phase is cut into a tree of subplans.' });

const scopeMode = z.enum(['report', 'strict']).meta({
  description:
    "Files an agent changes outside its task's files: `report` lists them, `strict` fails the task.",
});

/** How worktrees are prepared and what agents may change: at the top, or per phase to replace it. */
const worktreeFields = {
  setup: z.array(argv).optional().meta({
    description: 'Commands run in each new worktree before its agent (e.g. `[[npm, ci]]`).',
  }),
  copy: z.array(glob).optional().meta({
    description: 'Files of your checkout copied into each worktree (ignored files such as `.env`).',
  }),
  scope: scopeMode.optional(),
  scope_extra: z.array(glob).optional().meta({
    description: "Globs an agent may change beyond the task's own files.",
  }),
};

export const PhaseSchema = z.strictObject({
  id: phaseId,
  prompt: z.string(),
  depends_on: z.array(phaseId).optional(),
  verify: verifyCommands.optional(),
  fix: fixAgent.optional(),
  files: z.array(glob).optional(),
  estimate: duration
    .optional()
    .meta({ description: 'Expected duration of one agent task of the phase, used to order work.' }),
  decompose: z.union([z.boolean(), DecomposeSchema]).optional().meta({
    description: '`true` to cut the phase into subplans with the plan defaults, or overrides.',
  }),
  agent: AgentSchema.optional(),
  ...worktreeFields,
});

export const PlanFileSchema = z
  .strictObject({
    version: z.literal(1),
    name: z.string().min(1).optional(),
    base: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Ref the run starts from (default HEAD).' }),
    max_parallel: z.int().min(1).max(1024).optional(),
    merge: MergeSchema.optional(),
    verify: verifyCommands
      .optional()
      .meta({ description: 'Default `verify` of every phase that sets none (`[]` turns it off).' }),
    fix: fixAgent.optional(),
    agent: AgentSchema.optional(),
    on_failure: z.enum(['continue', 'fail-fast']).optional(),
    decompose: DecomposeSchema.optional(),
    budget_usd: z.number().positive().optional().meta({
      description:
        'Stop starting agent tasks once agents have reported spending this much (USD) in the run.',
    }),
    ...worktreeFields,
    phases: z.array(PhaseSchema).min(1),
  })
  .meta({ title: 'subplan plan file', description: 'A change plan run by subplan.' });

export type PlanFile = z.infer<typeof PlanFileSchema>;
export type AgentFile = z.infer<typeof AgentSchema>;
export type PhaseFile = z.infer<typeof PhaseSchema>;
export type DecomposeFile = z.infer<typeof DecomposeSchema>;
export type MergeFile = z.infer<typeof MergeSchema>;

/** The JSON Schema of plan files, for editors. */
export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PlanFileSchema, { io: 'input', target: 'draft-2020-12' });
}
