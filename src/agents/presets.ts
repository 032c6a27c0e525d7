/**
 * Turns an agent definition into what runs: an argv template for a process (presets are argv
 * templates like any command, so they share expansion, process handling and logs), or a module.
 * Preset argv follows each CLI's documented headless flags; the README shows them.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unreachable } from '../core/index.js';
import type { AgentDefinition, PresetName } from '../plan/index.js';
import type { UsageFormat } from './agent-usage.js';

export type AgentLaunch =
  | {
      readonly kind: 'process';
      readonly argvTemplate: readonly string[];
      /** Variables passed from subplan's environment: the preset's own and the plan's. */
      readonly envPass: readonly string[];
      readonly envSet: Readonly<Record<string, string>>;
      /** Paths the agent writes for itself, left out of the task's commit (git pathspec globs). */
      readonly scratch: readonly string[];
      /** How to read cost and tokens from its output. */
      readonly usage?: UsageFormat;
    }
  | { readonly kind: 'module'; readonly path: string };

interface PresetSpec {
  readonly argv: (model: string | undefined) => readonly string[];
  readonly env: readonly string[];
  readonly scratch: readonly string[];
  readonly usage?: UsageFormat;
}

const withModel = (flag: string, model: string | undefined): string[] =>
  model === undefined ? [] : [flag, model];

/**
 * Claude Code: print mode, newline-delimited JSON events (stream-json needs --verbose in print
 * mode), edits accepted without asking. Codex: non-interactive exec with JSON events, writes
 * allowed inside the workspace only. Aider: one message then exit, no confirmations, and no
 * commits of its own (subplan commits). Gemini CLI: prompt mode with JSON events, edits approved.
 */
const PRESETS: Record<Exclude<PresetName, 'demo'>, PresetSpec> = {
  claude: {
    argv: (model) => [
      'claude',
      '-p',
      '{prompt}',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
      ...withModel('--model', model),
    ],
    env: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CONFIG_DIR'],
    scratch: [],
    usage: 'claude',
  },
  codex: {
    argv: (model) => [
      'codex',
      'exec',
      '--json',
      '--sandbox',
      'workspace-write',
      ...withModel('--model', model),
    ],
    env: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CODEX_HOME'],
    scratch: [],
    usage: 'codex',
  },
  aider: {
    argv: (model) => [
      'aider',
      '--message',
      '{prompt}',
      '--yes-always',
      '--no-auto-commits',
      '--no-dirty-commits',
      '--no-gitignore',
      '--no-pretty',
      '--no-stream',
      '--no-check-update',
      ...withModel('--model', model),
    ],
    env: [
      'OPENAI_API_KEY',
      'ANTHROPIC_API_KEY',
      'GEMINI_API_KEY',
      'OPENROUTER_API_KEY',
      'DEEPSEEK_API_KEY',
    ],
    // Aider keeps its chat history and tag cache next to the code.
    scratch: ['.aider*', '.aider*/**'],
    usage: 'aider',
  },
  gemini: {
    argv: (model) => [
      'gemini',
      '-p',
      '{prompt}',
      '--output-format',
      'stream-json',
      '--approval-mode',
      'auto_edit',
      ...withModel('--model', model),
    ],
    env: [
      'GEMINI_API_KEY',
      'GOOGLE_API_KEY',
      'GOOGLE_CLOUD_PROJECT',
      'GOOGLE_CLOUD_LOCATION',
      'GOOGLE_GENAI_USE_VERTEXAI',
      'GOOGLE_APPLICATION_CREDENTIALS',
    ],
    scratch: [],
    usage: 'gemini',
  },
};

/** Where the prompt goes: codex takes it as its last positional argument, after any flags. */
function trailingArgs(preset: PresetName): readonly string[] {
  if (preset === 'codex') return ['{prompt}'];
  if (preset === 'aider') return ['{files}'];
  return [];
}

/**
 * Runs a file of this package with the current Node. From sources (tests, tsx) the script is
 * TypeScript and needs the tsx loader, named by absolute path because agents run in worktrees
 * where `tsx` does not resolve.
 */
function nodeScript(relative: string): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(`${relative}.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  if (!fromSource) return [process.execPath, path];
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return [process.execPath, '--import', loader, path];
}

const DEMO_ARGV = [
  '--task',
  '{subplan}',
  '--phase',
  '{phase}',
  '--prompt',
  '{prompt}',
  '--files-file',
  '{files_file}',
];

export function agentLaunch(agent: AgentDefinition): AgentLaunch {
  const program = agent.program;
  const common = { envSet: agent.envSet };
  switch (program.kind) {
    case 'command':
      return {
        kind: 'process',
        argvTemplate: [...program.argv, ...agent.extraArgs],
        envPass: agent.envPass,
        scratch: [],
        ...common,
      };
    case 'module':
      return { kind: 'module', path: program.path };
    case 'preset': {
      if (program.preset === 'demo') {
        return {
          kind: 'process',
          argvTemplate: [...nodeScript('./builtin/demo-agent'), ...DEMO_ARGV, ...agent.extraArgs],
          envPass: agent.envPass,
          scratch: [],
          ...common,
        };
      }
      const spec = PRESETS[program.preset];
      return {
        kind: 'process',
        argvTemplate: [
          ...spec.argv(program.model),
          ...agent.extraArgs,
          ...trailingArgs(program.preset),
        ],
        envPass: [...new Set([...spec.env, ...agent.envPass])],
        scratch: spec.scratch,
        ...(spec.usage && { usage: spec.usage }),
        ...common,
      };
    }
    default:
      return unreachable(program);
  }
}

/** The argv a preset runs, for documentation and `subplan plan`. */
export function presetArgv(preset: Exclude<PresetName, 'demo'>, model?: string): string[] {
  return [...PRESETS[preset].argv(model), ...trailingArgs(preset)];
}
