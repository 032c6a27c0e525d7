import type { Command } from 'commander';
import { formatTable, runStatusLabel } from '../../report/index.js';
import { listRuns } from '../../run/index.js';
import type { CliIo } from '../io.js';
import { repoDirFrom } from '../options.js';

export function registerList(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('list')
    .description('list the runs of a repository, oldest first')
    .option('--repo <dir>', 'repository (default: current directory)')
    .option(
      '--json',
      'print an array of {run_id, plan, status, alive, started_at, finished_at}; alive is false for a run whose status is running but whose process is gone',
    )
    .action(async (flags: { repo?: string; json?: boolean }) => {
      const runs = await listRuns(repoDirFrom(io.cwd, flags.repo));
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(runs)}\n`);
      } else if (runs.length === 0) {
        io.stderr.write('no runs yet\n');
      } else {
        const rows = runs.map((run) => [
          run.run_id,
          run.plan,
          runStatusLabel(run),
          run.started_at ?? '-',
          run.finished_at ?? '-',
        ]);
        io.stdout.write(`${formatTable(['run', 'plan', 'status', 'started', 'finished'], rows)}\n`);
      }
      setExit(0);
    });
}
