import type { Command } from 'commander';
import { resumeRun } from '../../run/index.js';
import { chooseReporter } from '../choose-reporter.js';
import { exitCodeFor } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parsePositiveInt, repoDirFrom } from '../options.js';

interface ResumeFlags {
  repo?: string;
  maxParallel?: number;
  failFast?: boolean;
  allowPlanMismatch?: boolean;
  resetState?: boolean;
  json?: boolean;
  output?: string;
  cache: boolean;
}

export function registerResume(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('resume')
    .description('continue a stopped run: finished tasks are kept, the rest run again')
    .argument('<run>', 'run id or a unique prefix of it')
    .option('--repo <dir>', 'repository (default: current directory)')
    .option(
      '--max-parallel <n>',
      'agents at once (default: as the run started)',
      parsePositiveInt('--max-parallel'),
    )
    .option('--fail-fast', 'cancel running tasks when one fails')
    .option(
      '--allow-plan-mismatch',
      'the plan file changed: keep the tasks that did not change, run the rest again',
    )
    .option('--reset-state', "rebuild an unreadable state file from the run's events and branches")
    .option('--no-cache', 'run every agent, even where an identical earlier task could be reused')
    .option(
      '--output <mode>',
      'agent output without --json: stream (as it comes), grouped (one block per task), quiet (log files only)',
      'stream',
    )
    .option('--json', 'NDJSON events on stdout, then the summary object as the last line')
    .action(async (runId: string, flags: ResumeFlags) => {
      const reporter = chooseReporter(io, flags);
      const summary = await resumeRun({
        runId,
        repoDir: repoDirFrom(io.cwd, flags.repo),
        env: io.env,
        ...(flags.maxParallel !== undefined && { maxParallel: flags.maxParallel }),
        ...(flags.failFast && { failFast: true }),
        ...(flags.allowPlanMismatch && { allowPlanMismatch: true }),
        ...(flags.resetState && { resetState: true }),
        ...(io.signal && { signal: io.signal }),
        ...(!flags.cache && { noCache: true }),
        onEvent: (event) => reporter.onEvent(event),
      });
      reporter.summarize(summary);
      if (flags.json) io.stderr.write(`subplan: run ${summary.run_id} ${summary.status}\n`);
      setExit(exitCodeFor(summary.status));
    });
}
