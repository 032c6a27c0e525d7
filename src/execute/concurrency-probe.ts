/**
 * Counts running tasks where they run, in memory shared by every worker thread: the true peak,
 * independent of how the coordinator believes it scheduled them. Slot 0 is the running count,
 * slot 1 the highest value it has reached.
 */
export class ConcurrencyProbe {
  readonly buffer: SharedArrayBuffer;
  readonly #cells: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.#cells = new Int32Array(buffer);
  }

  enter(): void {
    const running = Atomics.add(this.#cells, 0, 1) + 1;
    let peak = Atomics.load(this.#cells, 1);
    // Compare-and-swap loop: another thread may raise the peak between our load and store.
    while (running > peak) {
      const seen = Atomics.compareExchange(this.#cells, 1, peak, running);
      if (seen === peak) break;
      peak = seen;
    }
  }

  exit(): void {
    Atomics.sub(this.#cells, 0, 1);
  }

  get running(): number {
    return Atomics.load(this.#cells, 0);
  }

  get peak(): number {
    return Atomics.load(this.#cells, 1);
  }
}
