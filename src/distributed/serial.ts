/**
 * Runs async jobs one at a time, in call order. Git commands that write the same repository's
 * refs or object store (fetch, push) go through one of these so they never race on git's locks.
 */
export function createSerial(): <T>(job: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const next = tail.then(job, job);
    tail = next.catch(() => undefined);
    return next;
  };
}
