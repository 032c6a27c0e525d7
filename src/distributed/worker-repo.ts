/**
 * A worker's own git repository: a bare clone-in-waiting under its workdir that fetches task
 * bases from the shared remote and pushes results back. Task requests name the coordinator's
 * paths; `localRequest` maps them into this workdir. A succeeded task's worktree is reset for
 * the next task instead of checking out every file again, as on a local run.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { AgentTaskRequest } from '../execute/index.js';
import { createRepo, gitStatus, removeWorktree, withWorktreeLock } from '../git/index.js';
import type { Repo } from '../git/index.js';
import { createBatched } from './batched.js';
import { createSerial } from './serial.js';

/** Used only when this machine has no git identity, so that commits never fail for it. */
const FALLBACK_IDENTITY = ['user.name=subplan', 'user.email=subplan@localhost'] as const;

export class WorkerRepo {
  readonly repo: Repo;
  readonly workdir: string;
  readonly #serial = createSerial();
  readonly #push = createBatched<{ remote: string; refspec: string }>(async (pushes) => {
    const [first] = pushes;
    if (!first) return;
    // Each coordinator names its own remote; a batch mixing two goes out one push at a time.
    const sameRemote = pushes.filter((push) => push.remote === first.remote);
    if (sameRemote.length !== pushes.length) throw new Error('pushes to several remotes');
    await this.#serial(() =>
      this.repo.git([
        'push',
        '--quiet',
        '--no-verify',
        first.remote,
        ...pushes.map((push) => push.refspec),
      ]),
    );
  });
  /** Worktrees of succeeded tasks, ready for the next one. */
  readonly #idle: string[] = [];

  private constructor(workdir: string, repo: Repo) {
    this.workdir = workdir;
    this.repo = repo;
  }

  static async open(workdir: string): Promise<WorkerRepo> {
    const root = join(workdir, 'repo.git');
    await mkdir(workdir, { recursive: true });
    if (!existsSync(join(root, 'HEAD'))) {
      await execa('git', ['init', '--bare', '--quiet', root]);
    }
    const identity = await execa('git', ['var', 'GIT_COMMITTER_IDENT'], {
      cwd: root,
      reject: false,
    });
    const config = ['gc.auto=0', ...(identity.exitCode === 0 ? [] : FALLBACK_IDENTITY)];
    return new WorkerRepo(workdir, createRepo({ root, commonDir: root, config }));
  }

  /** Makes `commit` present locally, fetching `ref` from `remote` unless it already is. */
  async fetchBase(remote: string, ref: string, commit: string): Promise<void> {
    const present = await gitStatus(this.repo, ['cat-file', '-e', `${commit}^{commit}`]);
    if (present.exitCode === 0) return;
    // A fetch checks every worktree's HEAD, which is not valid while `worktree add` runs.
    await this.#serial(() =>
      withWorktreeLock(this.repo, () =>
        this.repo.git([
          'fetch',
          '--quiet',
          '--no-tags',
          '--no-write-fetch-head',
          remote,
          `+${ref}:${ref}`,
        ]),
      ),
    );
  }

  /** Pushes `commit` to `ref`; results finished while a push runs go out together in the next. */
  pushResult(remote: string, commit: string, ref: string): Promise<void> {
    return this.#push({ remote, refspec: `${commit}:${ref}` });
  }

  /** The coordinator's request with every path in this workdir; the agent gets this machine's env. */
  localRequest(
    request: AgentTaskRequest,
    delivery: string,
    env: Readonly<Record<string, string>>,
  ): AgentTaskRequest {
    const task = `${request.taskId}-${delivery}`;
    const reused = this.#idle.pop();
    return {
      ...request,
      repo: { root: this.repo.root, commonDir: this.repo.commonDir, config: this.repo.config },
      worktree: reused ?? join(this.workdir, 'worktrees', `w-${delivery}`),
      reuseWorktree: reused !== undefined,
      filesFile: join(this.workdir, 'files', request.runId, `${task}.txt`),
      logFile: join(this.workdir, 'logs', request.runId, `${task}.log`),
      env,
      // The coordinator knows its own worktrees' setup, not this machine's: set up afresh.
      ...(request.setup && { setup: { ...request.setup, alreadyDone: false } }),
    };
  }

  /** Hands a succeeded task's worktree to the next task; a failed one stays for inspection. */
  recycle(worktree: string): void {
    this.#idle.push(worktree);
  }

  /** Removes the idle worktrees when the worker stops. */
  async removeIdle(): Promise<void> {
    for (const dir of this.#idle.splice(0)) {
      await removeWorktree(this.repo, dir).catch(() => undefined);
    }
  }
}
