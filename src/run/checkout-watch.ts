/**
 * subplan never writes to the user's checkout, so a change there while agents run is an agent
 * reaching out of its worktree (or the user at work). The checkout is looked at when the run
 * starts and again after agents end — at most once a second, and once at the end — and a change
 * is reported with the agents that ran meanwhile. It is a warning, not a failure: the user may
 * well be editing their own files, and nothing of theirs is undone.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gitStatus } from '../git/index.js';
import type { Repo } from '../git/index.js';

interface CheckoutSnapshot {
  readonly head: string;
  /** The branch checked out, empty when HEAD is detached. */
  readonly branch: string;
  /** Changed and untracked paths with their size and modification time. */
  readonly files: ReadonlyMap<string, string>;
  /** Tracked files differ from HEAD (staged or not); untracked ones do not count. */
  readonly dirty: boolean;
}

/** Shortest time between two looks while the run goes on. */
const MIN_INTERVAL_MS = 1000;

export class CheckoutWatch {
  readonly #repo: Repo;
  #snapshot: CheckoutSnapshot | undefined;
  #lastLook = 0;
  readonly #suspects = new Set<string>();

  constructor(repo: Repo) {
    this.#repo = repo;
  }

  /** The first look, when the run starts; says whether tracked files have uncommitted changes. */
  async start(): Promise<{ dirty: boolean }> {
    this.#snapshot = await snapshot(this.#repo);
    this.#lastLook = Date.now();
    return { dirty: this.#snapshot.dirty };
  }

  /**
   * An agent ended: looks again unless it looked less than a second ago. Returns a warning
   * when the checkout changed, naming the agents that ran since it was last seen unchanged.
   */
  async agentEnded(task: string, options: { final?: boolean } = {}): Promise<string | undefined> {
    if (task !== '') this.#suspects.add(task);
    if (!this.#snapshot) return undefined;
    if (!options.final && Date.now() - this.#lastLook < MIN_INTERVAL_MS) return undefined;
    if (this.#suspects.size === 0) return undefined;
    const before = this.#snapshot;
    const now = await snapshot(this.#repo);
    this.#snapshot = now;
    this.#lastLook = Date.now();
    const changes = describeChanges(before, now);
    const suspects = [...this.#suspects];
    this.#suspects.clear();
    if (changes.length === 0) return undefined;
    return `your checkout changed while ${suspects.join(', ')} ran: ${changes.join('; ')}. subplan never writes there; an agent that reached out of its worktree (or you) did`;
  }

  /** The last look, when the run ends. */
  finish(): Promise<string | undefined> {
    return this.agentEnded('', { final: true });
  }
}

/**
 * One `git status --porcelain=v2 --branch`: its headers name HEAD's commit and branch, its
 * entries the changed (`1`, `u`) and untracked (`?`) paths.
 */
async function snapshot(repo: Repo): Promise<CheckoutSnapshot> {
  const status = await gitStatus(repo, [
    'status',
    '--porcelain=v2',
    '--branch',
    '-z',
    '--untracked-files=all',
    '--no-renames',
  ]);
  let head = '';
  let branch = '';
  let dirty = false;
  const paths: string[] = [];
  for (const entry of status.stdout.split('\0')) {
    if (entry.startsWith('# branch.oid ')) {
      const oid = entry.slice('# branch.oid '.length);
      head = oid === '(initial)' ? '' : oid;
    } else if (entry.startsWith('# branch.head ')) {
      const name = entry.slice('# branch.head '.length);
      branch = name === '(detached)' ? '' : name;
    } else if (entry.startsWith('? ')) {
      paths.push(entry.slice(2));
    } else if (entry.startsWith('1 ') || entry.startsWith('u ')) {
      // The path follows a fixed number of fields: 8 for a change, 10 for an unmerged file.
      const fields = entry.startsWith('1 ') ? 8 : 10;
      paths.push(entry.split(' ').slice(fields).join(' '));
      dirty = true;
    }
  }
  const files = new Map<string, string>();
  await Promise.all(
    paths.map(async (path) => {
      const info = await stat(join(repo.root, path)).catch(() => undefined);
      files.set(path, info ? `${info.size}:${info.mtimeMs}` : 'gone');
    }),
  );
  return { head, branch, files, dirty };
}

function describeChanges(before: CheckoutSnapshot, after: CheckoutSnapshot): string[] {
  const changes: string[] = [];
  if (before.branch !== after.branch)
    changes.push(
      `its branch went from ${before.branch || '(detached)'} to ${after.branch || '(detached)'}`,
    );
  if (before.head !== after.head)
    changes.push(`HEAD moved from ${before.head.slice(0, 10)} to ${after.head.slice(0, 10)}`);
  const touched = [...new Set([...before.files.keys(), ...after.files.keys()])]
    .filter((path) => before.files.get(path) !== after.files.get(path))
    .sort();
  if (touched.length > 0) {
    const shown = touched.slice(0, 10).join(', ');
    changes.push(
      `files changed: ${shown}${touched.length > 10 ? ` and ${touched.length - 10} more` : ''}`,
    );
  }
  return changes;
}
