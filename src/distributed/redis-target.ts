/**
 * Where Redis is, as the user wrote it (`redis://host:6379/0`, `rediss://…`, `unix:///run/r.sock`
 * or a socket path), turned into ioredis options once. Every connection BullMQ opens for us starts
 * from these options, so a URL and a socket behave the same.
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { RedisUnavailableError, UsageError } from '../core/index.js';

export interface RedisTarget {
  /** The address as given, for messages. */
  readonly url: string;
  readonly options: RedisOptions;
}

export function parseRedisTarget(url: string): RedisTarget {
  if (url.startsWith('/')) return { url, options: { path: url } };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `--redis: expected redis://host:port, rediss://host:port, unix:///path or a socket path, got \`${url}\``,
    );
  }
  switch (parsed.protocol) {
    case 'unix:':
      return { url, options: { path: decodeURIComponent(parsed.pathname) } };
    case 'redis:':
    case 'rediss:': {
      const db = parsed.pathname.replace(/^\//, '');
      return {
        url,
        options: {
          host: parsed.hostname || 'localhost',
          port: parsed.port ? Number(parsed.port) : 6379,
          ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
          ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
          ...(db !== '' && { db: Number(db) }),
          ...(parsed.protocol === 'rediss:' && { tls: {} }),
        },
      };
    }
    default:
      throw new UsageError(`--redis: unsupported scheme \`${parsed.protocol}\` in \`${url}\``);
  }
}

/** Options for a connection BullMQ may block on (workers, queue events): never give up a command. */
export function bullmqConnection(target: RedisTarget): RedisOptions {
  return { ...target.options, maxRetriesPerRequest: null };
}

/**
 * Connects once, without retries, and pings: a clear error before anything is created, instead
 * of a coordinator or worker that waits forever on a wrong address.
 */
export async function checkRedis(target: RedisTarget, timeoutMs = 3000): Promise<void> {
  const client = new Redis({
    ...target.options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The 'error' event says why (ECONNREFUSED, ENOENT…); the rejection often only "closed".
  let why: Error | undefined;
  client.on('error', (error: Error) => (why ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const cause = why ?? error;
    throw new RedisUnavailableError(
      target.url,
      cause instanceof Error ? cause.message : String(cause),
      { cause },
    );
  } finally {
    client.disconnect();
  }
}
