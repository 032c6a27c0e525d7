/**
 * The coordinator owns every branch of a run except those of agents that are running: it knows
 * where it put each one. After an agent ends, the run's refs are compared with that ledger; a ref
 * that moved, appeared or vanished was changed by an agent (`git branch -f`, `update-ref`, a
 * push into the repository), since subplan changes refs only on this thread. The ref is put back,
 * so nothing built later starts from it. Who did it: any agent that ran since the last check
 * that found everything in place. When that is only the agent that just ended, it is its task's
 * failure; when others ran too, blaming one would be a guess, so the run gets a warning naming
 * them all instead (git's reflog records neither process nor worktree for a ref update).
 */
import type { TaskOutcome } from '../core/index.js';
import { listRefs, restoreRef } from '../git/index.js';
import type { Repo } from '../git/index.js';

export interface MovedRef {
  readonly ref: string;
  readonly expected: string | undefined;
  readonly found: string | undefined;
}

export interface RefCheck {
  readonly moved: readonly MovedRef[];
  /** Agent tasks that ran since the refs were last seen in place. */
  readonly suspects: readonly string[];
}

export class RunRefGuard {
  readonly #repo: Repo;
  readonly #prefix: string;
  /** Where the coordinator put each ref of the run. */
  #ledger = new Map<string, string>();
  /** Branches of running agents, by task: theirs to move. */
  readonly #running = new Map<string, string>();
  /** Agents that ran since the last clean check. */
  readonly #suspects = new Set<string>();
  /** The coordinator's own ref changes and the checks take turns, so no check sees one half done. */
  #turn: Promise<unknown> = Promise.resolve();
  /**
   * Agents that ended and wait for a check not yet begun: they share it. One listing of the run's
   * refs serves them all, where a check each (a thousand refs listed per agent, one after
   * another) held slots for seconds when many agents ended together.
   */
  #waiting: { tasks: string[]; check: Promise<RefCheck> } | undefined;

  constructor(repo: Repo, runId: string) {
    this.#repo = repo;
    this.#prefix = `refs/heads/subplan/${runId}/`;
  }

  /** Takes the run's refs as they are now as the coordinator's (a new or resumed session). */
  async start(): Promise<void> {
    this.#ledger = await listRefs(this.#repo, this.#prefix);
  }

  /** Runs `change` (a ref change by the coordinator) with no check in between. */
  exclusive<T>(change: () => Promise<T>): Promise<T> {
    const result = this.#turn.then(change);
    this.#turn = result.catch(() => undefined);
    return result;
  }

  agentStarted(task: string, branch: string): void {
    this.#running.set(task, `refs/heads/${branch}`);
    this.#suspects.add(task);
  }

  /** The coordinator itself pointed `branch` at `commit`. */
  recordBranch(branch: string, commit: string): void {
    this.#ledger.set(`refs/heads/${branch}`, commit);
  }

  /**
   * The agent of `task` ended: its branch is the coordinator's from now on, at wherever it is
   * (its commit, or where a failed agent left it). Returns the refs changed behind the
   * coordinator's back, already put back.
   */
  agentEnded(task: string): Promise<RefCheck> {
    if (this.#waiting) {
      this.#waiting.tasks.push(task);
      // The first task of the check reports what it found (once, to the run); all of them were
      // suspects, so none is blamed alone.
      return this.#waiting.check.then(() => ({ moved: [], suspects: [] }));
    }
    const tasks = [task];
    const check = this.exclusive(() => {
      // Begun: agents ending from now on wait for the next check, which lists refs after them.
      this.#waiting = undefined;
      return this.#check(tasks);
    });
    this.#waiting = { tasks, check };
    return check;
  }

  async #check(tasks: readonly string[]): Promise<RefCheck> {
    const own = tasks.flatMap((task) => {
      const ref = this.#running.get(task);
      this.#running.delete(task);
      return ref === undefined ? [] : [ref];
    });
    const refs = await listRefs(this.#repo, this.#prefix);
    for (const ref of own) {
      const head = refs.get(ref);
      if (head === undefined) this.#ledger.delete(ref);
      else this.#ledger.set(ref, head);
    }
    const runningRefs = new Set(this.#running.values());
    const moved: MovedRef[] = [];
    for (const ref of new Set([...refs.keys(), ...this.#ledger.keys()])) {
      if (runningRefs.has(ref)) continue;
      const expected = this.#ledger.get(ref);
      const found = refs.get(ref);
      if (expected !== found) moved.push({ ref, expected, found });
    }
    const suspects = [...this.#suspects];
    this.#suspects.clear();
    for (const running of this.#running.keys()) this.#suspects.add(running);
    for (const { ref, expected } of moved) await restoreRef(this.#repo, ref, expected);
    return { moved, suspects: moved.length > 0 ? suspects : [] };
  }
}

/**
 * Turns a check into the task's failure when the task is the only suspect, or into a warning
 * naming every suspect when it is not.
 */
export function blameMovedRefs<T extends { outcome: TaskOutcome }>(
  task: string,
  result: T,
  check: RefCheck,
  warn: (message: string) => void,
): T {
  if (check.moved.length === 0) return result;
  const refs = check.moved.map(describeMove).join('; ');
  if (check.suspects.length === 1 && check.suspects[0] === task) {
    const { outcome } = result;
    // A failure found in the worktree (on the wrong branch, say) is the clearer message.
    if (outcome.status === 'failed')
      return {
        ...result,
        outcome: {
          ...outcome,
          message: `${outcome.message}; it also changed branches of the run that are not its own (${refs}); they were put back`,
        },
      };
    return {
      ...result,
      outcome: {
        status: 'failed',
        reason: 'branch-moved',
        message: `the agent changed branches of the run that are not its own (${refs}); they were put back`,
      },
    };
  }
  warn(
    `an agent changed branches of the run that are not its own (${refs}); they were put back. One of these tasks did it: ${check.suspects.join(', ')}`,
  );
  return result;
}

function describeMove(move: MovedRef): string {
  const name = move.ref.replace(/^refs\/heads\//, '');
  if (move.expected === undefined) return `created ${name}`;
  if (move.found === undefined) return `deleted ${name}`;
  return `moved ${name} from ${move.expected.slice(0, 10)} to ${move.found.slice(0, 10)}`;
}
