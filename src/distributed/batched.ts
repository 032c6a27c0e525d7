/**
 * Collects calls made while one is in flight and serves them together in the next one. A git
 * fetch or push costs a process and a round trip to the remote whether it moves one ref or forty:
 * with results arriving from many workers, one fetch per result would queue up behind each other
 * and become the coordinator's bottleneck; batched, the queue drains at the remote's pace.
 * A failed batch of several is retried one item at a time, so one bad item fails alone.
 */
export function createBatched<T>(
  run: (items: readonly T[]) => Promise<void>,
): (item: T) => Promise<void> {
  let waiting: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let busy = false;
  const drain = async (): Promise<void> => {
    busy = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        await run(batch.map((entry) => entry.item));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        if (batch.length === 1) {
          batch[0]?.reject(error);
          continue;
        }
        for (const entry of batch) {
          await run([entry.item]).then(entry.resolve, entry.reject);
        }
      }
    }
    busy = false;
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!busy) void drain();
    });
}
