import type { Command } from 'commander';
import { runPlan } from '../../run/index.js';
import { chooseReporter } from '../choose-reporter.js';
import { exitCodeFor } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { loadPlanFrom, parsePositiveInt, repoDirFrom } from '../options.js';

interface RunFlags {
  repo?: string;
  maxParallel?: number;
  failFast?: boolean;
  json?: boolean;
  output?: string;
  cache: boolean;
}

export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run a plan: agents in parallel worktrees, branches merged as phases finish')
    .argument('<plan>', 'plan file (YAML)')
    .option('--repo <dir>', 'repository to run in (default: current directory)')
    .option(
      '--max-parallel <n>',
      'agents at once (overrides the plan)',
      parsePositiveInt('--max-parallel'),
    )
    .option('--fail-fast', 'cancel running tasks when one fails (overrides on_failure)')
    .option('--no-cache', 'run every agent, even where an identical earlier task could be reused')
    .option(
      '--output <mode>',
      'agent output without --json: stream (as it comes), grouped (one block per task), quiet (log files only)',
      'stream',
    )
    .option('--json', 'NDJSON events on stdout, then the summary object as the last line')
    .action(async (planPath: string, flags: RunFlags) => {
      const plan = await loadPlanFrom(io.cwd, planPath);
      const reporter = chooseReporter(io, flags);
      const summary = await runPlan({
        plan,
        repoDir: repoDirFrom(io.cwd, flags.repo),
        env: io.env,
        ...(flags.maxParallel !== undefined && { maxParallel: flags.maxParallel }),
        ...(flags.failFast && { failFast: true }),
        ...(io.signal && { signal: io.signal }),
        ...(!flags.cache && { noCache: true }),
        onEvent: (event) => reporter.onEvent(event),
      });
      reporter.summarize(summary);
      if (flags.json) {
        io.stderr.write(
          `subplan: run ${summary.run_id} ${summary.status}${summary.result_branch ? `; result on ${summary.result_branch}` : ''}\n`,
        );
      }
      setExit(exitCodeFor(summary.status));
    });
}
