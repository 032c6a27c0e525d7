/**
 * A barrier for concurrency tests. Agents (fixtures/agents/barrier.mjs) connect over a unix
 * socket and wait. The server releases everyone it holds once it holds
 * `min(target, total - released)` agents at the same time, so reaching the target is proven by
 * construction: if tasks ran serially, or fewer at once than the target, it would never release
 * and the test would fail on the barrier's deadline instead of passing by luck.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Barrier extends AsyncDisposable {
  readonly socketPath: string;
  /** Most agents held at once. */
  readonly peakHeld: number;
  /** Task ids in the order they arrived. */
  readonly arrivals: readonly string[];
  /** True when the deadline passed and agents were released without reaching the target. */
  readonly timedOut: boolean;
}

export async function createBarrier(options: {
  target: number;
  total: number;
  deadlineMs?: number;
}): Promise<Barrier> {
  const dir = await mkdtemp(join(tmpdir(), 'subplan-barrier-'));
  const socketPath = join(dir, 'barrier.sock');
  const held: Socket[] = [];
  const arrivals: string[] = [];
  let released = 0;
  let peakHeld = 0;
  let timedOut = false;
  const deadlineMs = options.deadlineMs ?? 30_000;
  let deadline: NodeJS.Timeout | undefined;
  const releaseAll = () => {
    for (const socket of held.splice(0)) {
      socket.end('go\n');
      released++;
    }
  };
  const armDeadline = () => {
    clearTimeout(deadline);
    deadline = setTimeout(() => {
      if (held.length === 0) return;
      timedOut = true;
      releaseAll();
    }, deadlineMs);
  };
  const server = createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      if (!buffered.includes('\n')) return;
      arrivals.push(buffered.trim());
      buffered = '';
      held.push(socket);
      peakHeld = Math.max(peakHeld, held.length);
      armDeadline();
      if (held.length >= Math.min(options.target, options.total - released)) releaseAll();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    get peakHeld() {
      return peakHeld;
    },
    get arrivals() {
      return arrivals;
    },
    get timedOut() {
      return timedOut;
    },
    async [Symbol.asyncDispose]() {
      clearTimeout(deadline);
      releaseAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
