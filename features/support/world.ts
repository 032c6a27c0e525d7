/**
 * The world of one scenario: a fresh temp git repository, a scratch directory outside it (pid
 * files and the like), an optional barrier, and every subplan run the scenario made. Runs go
 * in-process through `runCli` (fast), or, in scenarios tagged `@spawn`, through the built
 * `bin/subplan.js` as a real child process, because exit codes, signals and orphans are only
 * real there. Each run remembers whether a step looked at its exit code, so the After hook can
 * fail a scenario whose run went wrong without anybody noticing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { World, setWorldConstructor } from '@cucumber/cucumber';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import type { RunEvent } from '../../src/core/index.js';
import type { RunSummary, TaskSummary } from '../../src/run/index.js';
import { createBarrier } from '../../test/helpers/barrier.js';
import type { Barrier } from '../../test/helpers/barrier.js';
import { runSubplan } from '../../test/helpers/run-cli.js';
import { createTempRepo } from '../../test/helpers/temp-repo.js';
import type { TempRepo } from '../../test/helpers/temp-repo.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The fixture agents, `<agents>` in plans. */
export const AGENTS_DIR = join(ROOT, 'test', 'fixtures', 'agents');
/** The built CLI that `@spawn` scenarios run. */
export const BUILT_CLI = join(ROOT, 'bin', 'subplan.js');
const BUILT_MAIN = join(ROOT, 'dist', 'cli', 'main.js');

/** One finished subplan run, whichever way it ran. */
export interface RunRecord {
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** With --json: every event line before the summary. */
  readonly events: RunEvent[];
  /** With --json: the summary line, when the run got that far. */
  readonly summary: RunSummary | undefined;
  /** Set by every step that asserts on the exit code. */
  exitChecked: boolean;
}

export class SubplanWorld extends World {
  #repo: TempRepo | undefined;
  #scratch: string | undefined;
  barrier: Barrier | undefined;
  /** True in scenarios tagged `@spawn`: runs use the built CLI in a child process. */
  spawnMode = false;
  readonly runs: RunRecord[] = [];
  /** Variables added to subplan's environment for this scenario's runs. */
  readonly env: Record<string, string> = {};
  /** A CLI started in the background (Ctrl-C scenarios), until it is awaited. */
  background: { args: readonly string[]; process: ResultPromise } | undefined;

  get repo(): TempRepo {
    if (!this.#repo)
      throw new Error(
        'this scenario has no repository yet (missing "Given a git repository ..."?)',
      );
    return this.#repo;
  }

  /** A directory outside the repository for pid files and other test-only files. */
  get scratch(): string {
    if (!this.#scratch) throw new Error('the scratch directory is created with the repository');
    return this.#scratch;
  }

  get lastRun(): RunRecord {
    const run = this.runs.at(-1);
    if (!run) throw new Error('no subplan run yet in this scenario');
    return run;
  }

  /** The summary of the last run; it must have run with --json and got to the end. */
  get summary(): RunSummary {
    const { summary, args, stderr } = this.lastRun;
    if (!summary)
      throw new Error(
        `the last run (${args.join(' ')}) printed no summary; was it run with --json?\n${stderr}`,
      );
    return summary;
  }

  /** One task of the last run's summary. */
  task(id: string): TaskSummary {
    const task = this.summary.tasks.find((t) => t.id === id);
    if (!task)
      throw new Error(
        `no task ${id} in the summary; tasks: ${this.summary.tasks.map((t) => t.id).join(', ')}`,
      );
    return task;
  }

  /**
   * The id of the run this scenario started last: from the last run that printed one (any --json
   * event carries it), else the only run recorded in the repository. Never "the newest directory":
   * run ids of the same second do not sort by start time.
   */
  latestRunId(): string {
    for (const run of [...this.runs].reverse()) {
      const id = run.summary?.run_id ?? run.events.find((event) => event.run_id)?.run_id;
      if (id) return id;
    }
    const dir = join(this.repo.dir, '.subplan', 'runs');
    const ids = existsSync(dir) ? readdirSync(dir) : [];
    const [only] = ids;
    if (ids.length !== 1 || only === undefined)
      throw new Error(`<run> is ambiguous: no run printed its id, and ${dir} holds ${ids.length}`);
    return only;
  }

  async createRepo(files?: Record<string, string>): Promise<TempRepo> {
    if (this.#repo) throw new Error('this scenario already has a repository');
    this.#scratch = await mkdtemp(join(tmpdir(), 'subplan-bdd-scratch-'));
    this.#repo = await createTempRepo(files);
    return this.#repo;
  }

  async createBarrier(options: { target: number; total: number }): Promise<Barrier> {
    if (this.barrier) throw new Error('this scenario already has a barrier');
    // The deadline only matters when the barrier is not reached, i.e. when the test fails; it is
    // re-armed on every arrival, so a slow machine cannot trip it while agents keep coming.
    this.barrier = await createBarrier({ ...options, deadlineMs: 30_000 });
    return this.barrier;
  }

  /**
   * Replaces `<node>`, `<agents>`, `<barrier>`, `<scratch>`, `<repo>` and `<run>` (the id of the
   * latest run of this scenario) in plan text and commands.
   */
  expand(text: string): string {
    return text.replace(/<(node|agents|barrier|scratch|repo|run)>/g, (_, name: string) => {
      const value = this.#placeholder(name);
      // Plans quote paths JSON-style; escape so any path is still one valid YAML string.
      return JSON.stringify(value).slice(1, -1);
    });
  }

  #placeholder(name: string): string {
    switch (name) {
      case 'node':
        return process.execPath;
      case 'agents':
        return AGENTS_DIR;
      case 'barrier':
        if (!this.barrier)
          throw new Error('the plan uses <barrier> but the scenario has no barrier');
        return this.barrier.socketPath;
      case 'scratch':
        return this.scratch;
      case 'repo':
        return this.repo.dir;
      case 'run':
        return this.latestRunId();
      default:
        throw new Error(`unknown placeholder <${name}>`);
    }
  }

  async writePlan(name: string, text: string): Promise<string> {
    const path = join(this.repo.dir, name);
    await writeFile(path, `${this.expand(text).trimEnd()}\n`);
    return path;
  }

  /** Runs subplan to the end, in-process or (with @spawn) as a child process. */
  async run(args: readonly string[]): Promise<RunRecord> {
    this.#assertEarlierRunsChecked();
    const record = this.spawnMode ? await this.#spawnRun(args) : await this.#inProcessRun(args);
    this.runs.push(record);
    return record;
  }

  /** Starts the built CLI in the background; `finishBackground` waits for it. */
  startBackground(args: readonly string[]): void {
    if (!this.spawnMode)
      throw new Error('background runs need a real process: tag the scenario @spawn');
    this.#assertEarlierRunsChecked();
    this.background = { args, process: this.#spawn(args) };
  }

  async finishBackground(): Promise<RunRecord> {
    const running = this.background;
    if (!running) throw new Error('no subplan is running in the background');
    this.background = undefined;
    const result = await running.process;
    const record = recordOf(
      running.args,
      result.exitCode ?? -1,
      String(result.stdout),
      String(result.stderr),
    );
    this.runs.push(record);
    return record;
  }

  async dispose(): Promise<void> {
    if (this.background) {
      const pid = this.background.process.pid;
      if (pid !== undefined) killQuietly(pid, 'SIGKILL');
      await this.background.process.catch(() => undefined);
      this.background = undefined;
    }
    await this.barrier?.[Symbol.asyncDispose]();
    await this.#repo?.[Symbol.asyncDispose]();
    if (this.#scratch) await rm(this.#scratch, { recursive: true, force: true });
  }

  async #inProcessRun(args: readonly string[]): Promise<RunRecord> {
    const result = await runSubplan(args, {
      cwd: this.repo.dir,
      env: { ...process.env, ...this.env },
    });
    return { args, ...result, exitChecked: false };
  }

  async #spawnRun(args: readonly string[]): Promise<RunRecord> {
    const result = await this.#spawn(args);
    return recordOf(args, result.exitCode ?? -1, String(result.stdout), String(result.stderr));
  }

  #spawn(args: readonly string[]): ResultPromise {
    if (!existsSync(BUILT_MAIN)) {
      throw new Error(
        `@spawn scenarios run the built CLI, and ${BUILT_MAIN} is missing: run \`npm run build\` first`,
      );
    }
    // argv array, no shell: what the feature says is exactly what the CLI receives.
    return execa(process.execPath, [BUILT_CLI, ...args], {
      cwd: this.repo.dir,
      reject: false,
      stdin: 'ignore',
      env: { ...process.env, ...this.env, FORCE_COLOR: '0' },
      timeout: 120_000,
    });
  }

  /** A second run would hide the first one's failure from the After hook's guard. */
  #assertEarlierRunsChecked(): void {
    const unchecked = this.runs.find((run) => run.exitCode !== 0 && !run.exitChecked);
    if (unchecked) {
      throw new Error(
        `the earlier run \`subplan ${unchecked.args.join(' ')}\` exited ${unchecked.exitCode} and no step checked it:\n${unchecked.stderr}`,
      );
    }
  }
}

function recordOf(
  args: readonly string[],
  exitCode: number,
  stdout: string,
  stderr: string,
): RunRecord {
  const parsed = args.includes('--json') ? parseNdjson(stdout) : [];
  const last = parsed.at(-1);
  const summary = last?.type === 'summary' ? (last as unknown as RunSummary) : undefined;
  return {
    args,
    exitCode,
    stdout,
    stderr,
    events: parsed.filter((item) => item.type !== 'summary') as unknown as RunEvent[],
    summary,
    exitChecked: false,
  };
}

/** Parses NDJSON leniently: a line that is not JSON is left to the steps that check purity. */
function parseNdjson(text: string): { type?: unknown }[] {
  const items: { type?: unknown }[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      items.push(JSON.parse(line) as { type?: unknown });
    } catch {
      // cli-output.feature asserts that every line parses; elsewhere it is not this module's call.
    }
  }
  return items;
}

/** Sends a signal to a process this test started; it may be gone already. */
export function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone, which is what we wanted.
  }
}

/** Splits a step's command line into argv: whitespace separates, double quotes group. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  const pattern = /"([^"]*)"|(\S+)/g;
  for (const match of text.matchAll(pattern)) args.push(match[1] ?? match[2] ?? '');
  return args;
}

setWorldConstructor(SubplanWorld);
