/**
 * The plan file format, version 1: the one source of truth for validation, for the TypeScript
 * types of the raw file and for the JSON Schema that `subplan schema` prints. Keys are the
 * user's snake_case; `normalize-plan.ts` maps them to camelCase once.
 */
import { z } from 'zod';
import { PHASE_ID_PATTERN, parseDuration } from '../core/index.js';

/** Presets the agent layer knows how to run. */
export const AGENT_PRESETS = ['demo'] as const;

const duration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, {
    message: 'expected a duration such as `30s`, `20m`, `2h` or `1h30m`',
  })
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

export const AgentSchema = z
  .strictObject({
    preset: z.enum(AGENT_PRESETS).optional().meta({ description: 'A built-in agent.' }),
    command: z.array(z.string()).min(1).optional().meta({
      description:
        'argv of the agent; template fields {prompt} {phase} {worktree} {branch} {run} are substituted inside each element. Never run through a shell.',
    }),
    timeout: duration.optional(),
    retries: z
      .int()
      .min(0)
      .max(10)
      .optional()
      .meta({ description: 'Extra attempts after a failure.' }),
  })
  .meta({ description: 'How a task is carried out: one of `preset` or `command`.' });

/** Decomposition strategies the decomposer knows. */
export const DECOMPOSE_STRATEGIES = ['auto', 'directory', 'imports', 'cochange'] as const;

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

export const PhaseSchema = z.strictObject({
  id: phaseId,
  prompt: z.string(),
  depends_on: z.array(phaseId).optional(),
  files: z.array(glob).optional(),
  estimate: duration
    .optional()
    .meta({ description: 'Expected duration of one agent task of the phase, used to order work.' }),
  decompose: z.union([z.boolean(), DecomposeSchema]).optional().meta({
    description: '`true` to cut the phase into subplans with the plan defaults, or overrides.',
  }),
  agent: AgentSchema.optional(),
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
    agent: AgentSchema.optional(),
    on_failure: z.enum(['continue', 'fail-fast']).optional(),
    decompose: DecomposeSchema.optional(),
    phases: z.array(PhaseSchema).min(1),
  })
  .meta({ title: 'subplan plan file', description: 'A change plan run by subplan.' });

export type PlanFile = z.infer<typeof PlanFileSchema>;
export type AgentFile = z.infer<typeof AgentSchema>;
export type PhaseFile = z.infer<typeof PhaseSchema>;
export type DecomposeFile = z.infer<typeof DecomposeSchema>;

/** The JSON Schema of plan files, for editors. */
export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PlanFileSchema, { io: 'input', target: 'draft-2020-12' });
}
