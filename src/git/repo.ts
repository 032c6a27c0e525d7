/**
 * One typed door to git. simple-git runs the commands; this file owns the options every call
 * shares (identity fallback, environment) and turns failures into `GitError`/`RepoError`.
 */
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { GitError, RepoError } from '../core/index.js';

/** Used only when the repository has no identity configured, so that commits never fail for it. */
const FALLBACK_IDENTITY = ['user.name=subplan', 'user.email=subplan@localhost'] as const;

const NO_AUTO_GC = ['gc.auto=0', 'maintenance.auto=false'] as const;

export interface Repo {
  /** Absolute path of the working tree root. */
  readonly root: string;
  /** The shared `.git` directory (for a linked worktree, its main repository's). */
  readonly commonDir: string;
  /** `-c key=value` settings passed to every git call. */
  readonly config: readonly string[];
  /** Runs git with `args` in `cwd` (default: the root); throws `GitError` on failure. */
  git(args: readonly string[], cwd?: string): Promise<string>;
}

/** Opens the repository containing `dir`, or throws `RepoError` when there is none. */
export async function openRepo(dir: string): Promise<Repo> {
  let root: string;
  let commonDir: string;
  try {
    const probe = simpleGit({ baseDir: dir });
    root = (await probe.raw(['rev-parse', '--show-toplevel'])).trim();
    commonDir = (await probe.raw(['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
  } catch (error) {
    throw new RepoError(`${dir} is not inside a git repository`, { repoDir: dir, cause: error });
  }
  const hasIdentity = await execa('git', ['var', 'GIT_COMMITTER_IDENT'], { cwd: root, reject: false });
  // No automatic gc in the middle of a run: it would compete with agents for the disk and the
  // object store while dozens of worktrees commit at once.
  const config = [...NO_AUTO_GC, ...(hasIdentity.exitCode === 0 ? [] : FALLBACK_IDENTITY)];
  return createRepo({ root, commonDir, config });
}

export function createRepo(options: { root: string; commonDir: string; config: readonly string[] }): Repo {
  const clients = new Map<string, SimpleGit>();
  const clientFor = (cwd: string): SimpleGit => {
    let client = clients.get(cwd);
    if (!client) {
      client = simpleGit({ baseDir: cwd, config: [...options.config], maxConcurrentProcesses: 8 });
      clients.set(cwd, client);
    }
    return client;
  };
  return {
    root: options.root,
    commonDir: options.commonDir,
    config: options.config,
    async git(args, cwd = options.root) {
      try {
        return await clientFor(cwd).raw([...args]);
      } catch (error) {
        throw new GitError({ args, stderr: error instanceof Error ? error.message : String(error), cause: error });
      }
    },
  };
}

/** Runs git where a non-zero exit is an answer, not a failure (`merge-tree`, `diff --quiet`). */
export async function gitStatus(
  repo: Repo,
  args: readonly string[],
  cwd = repo.root,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const configArgs = repo.config.flatMap((setting) => ['-c', setting]);
  const result = await execa('git', [...configArgs, ...args], { cwd, reject: false, stripFinalNewline: false });
  if (result.failed && result.exitCode === undefined) {
    throw new GitError({ args, stderr: result.message ?? 'git could not be started' });
  }
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Resolves a ref to a commit id; throws `RepoError` naming the ref when it does not resolve. */
export async function resolveCommit(repo: Repo, ref: string): Promise<string> {
  const result = await gitStatus(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const commit = result.stdout.trim();
  if (result.exitCode !== 0 || commit === '') {
    throw new RepoError(`\`${ref}\` does not name a commit in ${repo.root}`, { repoDir: repo.root });
  }
  return commit;
}

/** Points `branch` (a full name under refs/heads/) at `commit`, creating it if needed. */
export async function setBranch(repo: Repo, branch: string, commit: string): Promise<void> {
  await repo.git(['update-ref', `refs/heads/${branch}`, commit]);
}
