/**
 * A private redis-server per test file: its own unix socket in a temp dir, no persistence, never
 * the shared server on 6379. Stopped (and its directory removed) on dispose.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisServer extends AsyncDisposable {
  readonly socketPath: string;
  readonly pid: number;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'subplan-redis-'));
  const socketPath = join(dir, 'r.sock');
  const server = execa(
    REDIS_SERVER,
    [
      '--port',
      '0',
      '--unixsocket',
      socketPath,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
      '--dir',
      dir,
    ],
    { reject: false, stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!existsSync(socketPath)) {
    if (Date.now() > deadline || server.exitCode !== null) {
      server.kill('SIGKILL');
      throw new Error(`redis-server did not start on ${socketPath}`);
    }
    await sleep(10);
  }
  const pid = server.pid ?? 0;
  return {
    socketPath,
    pid,
    async [Symbol.asyncDispose]() {
      server.kill('SIGKILL');
      await server;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
