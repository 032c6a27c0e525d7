/**
 * What `run` and `resume` share: the flags that shape how agents run and how progress is shown,
 * the options they turn into for the library, and the closing report and exit code.
 */
import type { Command } from 'commander';
import type { Reporter } from '../report/index.js';
import type { RunPlanOptions, RunSummary } from '../run/index.js';
import { chooseReporter } from './choose-reporter.js';
import { addExecutorOptions } from './executor-options.js';
import type { ExecutorFlags } from './executor-options.js';
import { exitCodeFor } from './exit-codes.js';
import type { CliIo } from './io.js';
import { parsePositiveInt, repoDirFrom } from './options.js';

export interface ExecutionFlags extends ExecutorFlags {
  repo?: string;
  maxParallel?: number;
  failFast?: boolean;
  json?: boolean;
  output?: string;
  /** false with --no-cache */
  cache: boolean;
}

export function addExecutionOptions(command: Command, maxParallelHelp: string): Command {
  return addExecutorOptions(command)
    .option('--repo <dir>', 'repository (default: current directory)')
    .option('--max-parallel <n>', maxParallelHelp, parsePositiveInt('--max-parallel'))
    .option('--fail-fast', 'cancel running tasks when one fails (overrides on_failure)')
    .option('--no-cache', 'run every agent, even where an identical earlier task could be reused')
    .option(
      '--output <mode>',
      'progress without --json: live (on a terminal, the default: running tasks redrawn in place), stream (agent lines as they come; the default elsewhere), grouped (one block per task), quiet (agent output in log files only)',
    )
    .option('--json', 'NDJSON events on stdout, then the summary object as the last line');
}

/** The library options these flags stand for, with the reporter that shows the run's events. */
export function executionOptions(
  io: CliIo,
  flags: ExecutionFlags,
): { options: Omit<RunPlanOptions, 'plan'>; reporter: Reporter } {
  const reporter = chooseReporter(io, flags);
  return {
    reporter,
    options: {
      repoDir: repoDirFrom(io.cwd, flags.repo),
      env: io.env,
      ...(flags.maxParallel !== undefined && { maxParallel: flags.maxParallel }),
      ...(flags.failFast && { failFast: true }),
      ...(!flags.cache && { noCache: true }),
      ...(io.signal && { signal: io.signal }),
      onEvent: (event) => reporter.onEvent(event),
    },
  };
}

export function reportSummary(
  io: CliIo,
  reporter: Reporter,
  summary: RunSummary,
  flags: ExecutionFlags,
  setExit: (code: number) => void,
): void {
  reporter.summarize(summary);
  if (flags.json) {
    // With --json stdout is machine-only; a person still gets one line on stderr.
    io.stderr.write(
      `subplan: run ${summary.run_id} ${summary.status}${summary.result_branch ? `; result on ${summary.result_branch}` : ''}\n`,
    );
  }
  setExit(exitCodeFor(summary.status));
}
