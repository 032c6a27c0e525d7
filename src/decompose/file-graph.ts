/**
 * How strongly pairs of files belong together: undirected, weighted edges from imports and from
 * co-change. Strategies read the edges among the files of one node; files with no edge at all
 * are grouped by directory.
 */
export class FileGraph {
  readonly #edges = new Map<string, Map<string, number>>();

  addEdge(a: string, b: string, weight: number): void {
    if (a === b || weight <= 0) return;
    this.#add(a, b, weight);
    this.#add(b, a, weight);
  }

  /** Weight between two files (0 when unrelated). */
  weight(a: string, b: string): number {
    return this.#edges.get(a)?.get(b) ?? 0;
  }

  neighbours(file: string): ReadonlyMap<string, number> {
    return this.#edges.get(file) ?? EMPTY;
  }

  get edgeCount(): number {
    let count = 0;
    for (const map of this.#edges.values()) count += map.size;
    return count / 2;
  }

  /** Adds every edge of `other`, scaled by `factor`. */
  merge(other: FileGraph, factor: number): void {
    for (const [a, map] of other.#edges)
      for (const [b, w] of map) if (a < b) this.addEdge(a, b, w * factor);
  }

  #add(from: string, to: string, weight: number): void {
    let map = this.#edges.get(from);
    if (!map) {
      map = new Map();
      this.#edges.set(from, map);
    }
    map.set(to, (map.get(to) ?? 0) + weight);
  }
}

const EMPTY: ReadonlyMap<string, number> = new Map();
