/** Runs the CLI in-process against a directory and captures everything it prints. */
import { runCli } from '../../src/cli/index.js';
import type { RunEvent } from '../../src/core/index.js';
import type { RunSummary } from '../../src/run/index.js';
import { MemoryStream } from './memory-stream.js';

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** With --json: the events before the summary line. */
  readonly events: RunEvent[];
  /** With --json: the last line. */
  readonly summary: RunSummary | undefined;
}

export async function runSubplan(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined>; signal?: AbortSignal },
): Promise<CliResult> {
  const stdout = new MemoryStream();
  const stderr = new MemoryStream();
  const exitCode = await runCli({
    argv: args,
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdout,
    stderr,
    ...(options.signal && { signal: options.signal }),
  });
  const parsed = args.includes('--json')
    ? stdout.lines().map((line) => JSON.parse(line) as { type: string })
    : [];
  const last = parsed.at(-1);
  return {
    exitCode,
    stdout: stdout.text,
    stderr: stderr.text,
    events: parsed.filter((item) => item.type !== 'summary') as RunEvent[],
    summary: last?.type === 'summary' ? (last as RunSummary) : undefined,
  };
}
