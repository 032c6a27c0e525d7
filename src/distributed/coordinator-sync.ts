/**
 * The coordinator's side of the shared remote: push every commit a task starts from before the
 * task is enqueued (a worker can only fetch what the remote has), and fetch a task's result back
 * before anything merges it. Each base is pushed once per session; results that arrive while a
 * fetch runs are fetched together by the next one. Pushes and fetches are serialized because
 * they share the repository's object store.
 */
import { setBranch } from '../git/index.js';
import type { Repo } from '../git/index.js';
import { baseRef } from './job-protocol.js';
import { createBatched } from './batched.js';
import { createSerial } from './serial.js';

export class CoordinatorSync {
  readonly #remote: string;
  readonly #pushed = new Map<string, Promise<string>>();
  readonly #serial = createSerial();
  readonly #fetch: (request: { repo: Repo; ref: string }) => Promise<void>;

  constructor(remote: string) {
    this.#remote = remote;
    this.#fetch = createBatched(async (requests) => {
      const [first] = requests;
      if (!first) return;
      // Every request of one session names the same repository.
      await this.#serial(() =>
        first.repo.git([
          'fetch',
          '--quiet',
          '--no-tags',
          '--no-write-fetch-head',
          this.#remote,
          ...requests.map((request) => request.ref),
        ]),
      );
    });
  }

  /** Pushes `commit` to the remote under a ref of its own; resolves to that ref. */
  pushBase(repo: Repo, commit: string): Promise<string> {
    let pushed = this.#pushed.get(commit);
    if (!pushed) {
      const ref = baseRef(commit);
      pushed = this.#serial(async () => {
        await repo.git(['push', '--quiet', '--no-verify', this.#remote, `${commit}:${ref}`]);
        return ref;
      });
      // A failed push is tried again by the next task that needs it.
      pushed.catch(() => this.#pushed.delete(commit));
      this.#pushed.set(commit, pushed);
    }
    return pushed;
  }

  /** Fetches a worker's result and points the task's local branch at it. */
  async fetchResult(repo: Repo, ref: string, commit: string, branch: string): Promise<void> {
    await this.#fetch({ repo, ref });
    await setBranch(repo, branch, commit);
  }
}
