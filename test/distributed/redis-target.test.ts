import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/index.js';
import { parseRedisTarget } from '../../src/distributed/index.js';

describe('parseRedisTarget', () => {
  it('reads host, port, credentials and database from a redis URL', () => {
    expect(parseRedisTarget('redis://me:s%40cret@queue.internal:6380/2').options).toEqual({
      host: 'queue.internal',
      port: 6380,
      username: 'me',
      password: 's@cret',
      db: 2,
    });
  });

  it('defaults the port and turns on TLS for rediss', () => {
    expect(parseRedisTarget('rediss://queue.internal').options).toEqual({
      host: 'queue.internal',
      port: 6379,
      tls: {},
    });
  });

  it('takes a unix socket as a URL or a path', () => {
    expect(parseRedisTarget('unix:///run/redis/r.sock').options).toEqual({
      path: '/run/redis/r.sock',
    });
    expect(parseRedisTarget('/tmp/r.sock').options).toEqual({ path: '/tmp/r.sock' });
  });

  it('rejects what is not an address with a usage error', () => {
    expect(() => parseRedisTarget('queue.internal:6379')).toThrow(UsageError);
    expect(() => parseRedisTarget('http://queue.internal')).toThrow(/unsupported scheme/);
  });
});
