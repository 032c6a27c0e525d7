import type { Command } from 'commander';
import { followTaskLog } from '../../run/index.js';
import type { CliIo } from '../io.js';
import { repoDirFrom } from '../options.js';

export function registerLogs(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('logs')
    .description(
      "print a task's log (stdout and stderr of its agent); --follow streams it while the run goes on",
    )
    .argument('<run>', 'run id or a unique prefix of it')
    .argument('<task>', 'task id, e.g. api or api.1.2')
    .option('--repo <dir>', 'repository (default: current directory)')
    .option('-f, --follow', 'keep printing while the task runs')
    .action(async (run: string, task: string, flags: { repo?: string; follow?: boolean }) => {
      await followTaskLog({
        repoDir: repoDirFrom(io.cwd, flags.repo),
        runId: run,
        taskId: task,
        ...(flags.follow && { follow: true }),
        ...(io.signal && { signal: io.signal }),
        onText: (text) => io.stdout.write(text),
      });
      setExit(0);
    });
}
