import type { Command } from 'commander';
import { UsageError } from '../../core/index.js';
import { cleanRuns } from '../../run/index.js';
import type { CliIo } from '../io.js';
import { repoDirFrom } from '../options.js';

export function registerClean(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('clean')
    .description(
      "remove a finished run's worktrees, branches and record (never a running one), and the pool of worktrees kept for the next run; a run branch checked out elsewhere or with commits the run did not make is kept",
    )
    .argument('[run]', 'run id or a unique prefix of it')
    .option('--all', 'every run of the repository that is not running')
    .option('--repo <dir>', 'repository (default: current directory)')
    .option(
      '--json',
      'print {"cleaned":[…],"pooled_worktrees":N,"kept":[…],"skipped":[…]} on stdout',
    )
    .action(
      async (run: string | undefined, flags: { all?: boolean; repo?: string; json?: boolean }) => {
        if (!run && !flags.all) throw new UsageError('name a run to clean, or pass --all');
        if (run && flags.all) throw new UsageError('give a run or --all, not both');
        const result = await cleanRuns({
          repoDir: repoDirFrom(io.cwd, flags.repo),
          ...(run && { runId: run }),
          ...(flags.all && { all: true }),
        });
        if (flags.json) {
          io.stdout.write(`${JSON.stringify(result)}\n`);
        } else {
          for (const cleaned of result.cleaned) {
            io.stderr.write(
              `cleaned ${cleaned.run_id}: ${cleaned.branches} branch(es), ${cleaned.worktrees} worktree(s)\n`,
            );
          }
          for (const kept of result.kept) io.stderr.write(`kept ${kept.branch}: ${kept.reason}\n`);
          if (result.pooled_worktrees > 0)
            io.stderr.write(`removed ${result.pooled_worktrees} pooled worktree(s)\n`);
          for (const skipped of result.skipped)
            io.stderr.write(`left ${skipped.run_id}: ${skipped.reason}\n`);
        }
        setExit(0);
      },
    );
}
