/**
 * The result cache: an agent task whose definition and input are the same as those of an earlier
 * successful task reuses that task's result instead of running the agent again. The key hashes
 * the phase's fingerprint (prompt, agent and its code, files globs…), the task id, the task's file list and
 * the tree it starts from; the entry records the tree the agent produced. Entries live in
 * `.subplan/cache/<key>.json`; the orchestrator keeps their commits reachable under
 * `refs/subplan/cache/<key>` so `git gc` cannot take them.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import writeFileAtomic from 'write-file-atomic';
import { canonicalJson } from './fingerprint.js';

export interface CacheEntry {
  /** The tree the agent produced. */
  readonly tree: string;
  /** The commit it was first recorded in (kept reachable by a ref). */
  readonly commit: string;
  readonly run_id: string;
  readonly task: string;
  readonly created_at: string;
}

export function cacheKey(parts: {
  phaseFingerprint: string;
  taskId: string;
  files: readonly string[];
  inputTree: string;
}): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, 40);
}

export class ResultCache {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'cache');
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    try {
      const entry = JSON.parse(
        await readFile(join(this.dir, `${key}.json`), 'utf8'),
      ) as Partial<CacheEntry>;
      return typeof entry.tree === 'string' && typeof entry.commit === 'string'
        ? (entry as CacheEntry)
        : undefined;
    } catch {
      // Missing or unreadable: a miss, and the task simply runs.
      return undefined;
    }
  }

  async put(key: string, entry: CacheEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, `${key}.json`), `${JSON.stringify(entry)}\n`);
  }
}
