/**
 * Temp directories and real git repositories in them, removed on dispose (`await using repo = ...`).
 * Commits use a fixed identity so tests do not depend on the machine's git config.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

export interface TempRepo extends AsyncDisposable {
  readonly dir: string;
  git(...args: string[]): Promise<string>;
  write(files: Record<string, string>): Promise<void>;
  commitAll(message: string): Promise<string>;
}

const IDENTITY = ['-c', 'user.name=subplan tests', '-c', 'user.email=tests@localhost'];

export interface TempDir extends AsyncDisposable {
  readonly dir: string;
}

/** An empty temp directory, removed with all it holds on dispose. */
export async function createTempDir(prefix = 'subplan-test-'): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function createTempRepo(
  files: Record<string, string> = { 'README.md': '# test\n' },
): Promise<TempRepo> {
  const { dir, [Symbol.asyncDispose]: dispose } = await createTempDir();
  const git = async (...args: string[]) =>
    (await execa('git', [...IDENTITY, ...args], { cwd: dir, env: { GIT_CONFIG_NOSYSTEM: '1' } }))
      .stdout;
  const write = async (more: Record<string, string>) => {
    for (const [path, content] of Object.entries(more)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
  };
  await git('init', '--quiet', '--initial-branch=main');
  await write(files);
  const commitAll = async (message: string) => {
    await git('add', '--all');
    await git('commit', '--quiet', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  await commitAll('initial');
  return {
    dir,
    git,
    write,
    commitAll,
    [Symbol.asyncDispose]: dispose,
  };
}

/** Absolute path of a fixture agent script. */
export function fixtureAgent(name: string): string {
  return new URL(`../fixtures/agents/${name}`, import.meta.url).pathname;
}

/** A fixture agent's argv as a YAML flow sequence: node, the script, then `args`. */
export function fixtureArgvYaml(name: string, ...args: string[]): string {
  return `[${[process.execPath, fixtureAgent(name), ...args].map((a) => JSON.stringify(a)).join(', ')}]`;
}

/** A plan's `agent:` value that runs a fixture agent with `args`. */
export function fixtureAgentYaml(name: string, ...args: string[]): string {
  return `{ command: ${fixtureArgvYaml(name, ...args)} }`;
}
