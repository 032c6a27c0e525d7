/**
 * Tasks whose dependencies are done, highest remaining-path weight first; ties go to the task
 * declared first, so the order is deterministic. A binary heap: pushes and pops are O(log n),
 * which matters at thousands of tasks.
 */
export class ReadyQueue {
  readonly #heap: string[] = [];
  readonly #rank: (id: string) => number;
  readonly #order: (id: string) => number;

  constructor(options: { rank: (id: string) => number; order: (id: string) => number }) {
    this.#rank = options.rank;
    this.#order = options.order;
  }

  get size(): number {
    return this.#heap.length;
  }

  push(id: string): void {
    this.#heap.push(id);
    this.#up(this.#heap.length - 1);
  }

  /** The next task to start, or undefined when none is ready. */
  pop(): string | undefined {
    const top = this.#heap[0];
    const last = this.#heap.pop();
    if (this.#heap.length > 0 && last !== undefined) {
      this.#heap[0] = last;
      this.#down(0);
    }
    return top;
  }

  /** Removes and returns everything, best first. */
  drain(): string[] {
    const all: string[] = [];
    for (let id = this.pop(); id !== undefined; id = this.pop()) all.push(id);
    return all;
  }

  #before(a: string, b: string): boolean {
    const byRank = this.#rank(b) - this.#rank(a);
    return byRank !== 0 ? byRank < 0 : this.#order(a) < this.#order(b);
  }

  #up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(this.#at(i), this.#at(parent))) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < this.#heap.length && this.#before(this.#at(left), this.#at(best))) best = left;
      if (right < this.#heap.length && this.#before(this.#at(right), this.#at(best))) best = right;
      if (best === i) return;
      this.#swap(i, best);
      i = best;
    }
  }

  #at(i: number): string {
    return this.#heap[i] as string;
  }

  #swap(a: number, b: number): void {
    const t = this.#at(a);
    this.#heap[a] = this.#at(b);
    this.#heap[b] = t;
  }
}
