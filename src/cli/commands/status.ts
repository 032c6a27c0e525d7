import type { Command } from 'commander';
import { formatDuration } from '../../core/index.js';
import { readRun } from '../../run/index.js';
import type { CliIo } from '../io.js';
import { repoDirFrom } from '../options.js';
import { formatTable, runStatusLabel } from '../../report/index.js';

export function registerStatus(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('status')
    .description(
      'show a run (the latest by default): every task with its status, branch, commit, attempts and duration; read-only',
    )
    .argument('[run]', 'run id or a unique prefix of it')
    .option('--repo <dir>', 'repository (default: current directory)')
    .option('--json', 'print {"schema_version":1,"state":{…},"alive":…,"running":N} on stdout')
    .action(async (run: string | undefined, flags: { repo?: string; json?: boolean }) => {
      const view = await readRun(repoDirFrom(io.cwd, flags.repo), run);
      const { state } = view;
      const running = state.tasks.filter(
        (task) => task.status === 'running' && task.kind === 'agent',
      ).length;
      if (flags.json) {
        io.stdout.write(
          `${JSON.stringify({ schema_version: 1, state, alive: view.alive, running })}\n`,
        );
        setExit(0);
        return;
      }
      const label = runStatusLabel({ status: state.status, alive: view.alive });
      const status = view.alive ? label : `${label} (stopped without finishing)`;
      const rows = state.tasks.map((task) => [
        task.id,
        task.kind,
        task.status,
        String(task.attempts),
        task.duration_ms === null ? '-' : formatDuration(task.duration_ms),
        task.commit?.slice(0, 10) ?? '-',
        task.branch ?? '-',
      ]);
      const counts = new Map<string, number>();
      for (const task of state.tasks) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
      io.stdout.write(
        [
          `run ${state.run_id} of ${state.plan}: ${status}`,
          `started ${state.started_at}${state.finished_at ? `, finished ${state.finished_at}` : ''}; base ${state.base_commit.slice(0, 10)}`,
          `agents running ${running}/${state.max_parallel}${state.peak_concurrency === null ? '' : `, peak ${state.peak_concurrency}`}; ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`,
          '',
          formatTable(['task', 'kind', 'status', 'attempts', 'duration', 'commit', 'branch'], rows),
          ...state.tasks
            .filter((t) => t.reason && t.status !== 'skipped')
            .map(
              (t) =>
                `${t.id}: ${t.reason ?? ''}${t.status === 'failed' && t.worktree ? ` (its worktree is kept: ${t.worktree})` : ''}`,
            ),
          state.result_branch ? `result: ${state.result_branch}` : '',
        ]
          .join('\n')
          .trimEnd() + '\n',
      );
      setExit(0);
    });
}
