/**
 * Repositories with a scripted history, written in one `git fast-import` stream so hundreds of
 * commits take milliseconds. Files belong to "features" that cut across directories; each commit
 * edits a few files of one feature, the way real changes follow features rather than folders.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface ScriptedHistory extends AsyncDisposable {
  readonly dir: string;
  /** feature index → files */
  readonly features: readonly (readonly string[])[];
}

export async function createScriptedHistory(options: {
  directories: number;
  filesPerDirectory: number;
  features: number;
  commits: number;
  seed: number;
  /** Share of commits that also touch one random file of the repository. @default 0 */
  noise?: number;
  /** Share of features kept inside one directory, like real modules. @default 0 */
  aligned?: number;
}): Promise<ScriptedHistory> {
  let seed = options.seed;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const files: string[] = [];
  for (let d = 0; d < options.directories; d++) {
    for (let f = 0; f < options.filesPerDirectory; f++)
      files.push(`src/dir${d}/file${String(f).padStart(2, '0')}.ts`);
  }
  // Aligned features take consecutive files (one folder); the rest are dealt round-robin over a
  // shuffled list, so each spans several folders.
  const alignedCount = Math.round((options.aligned ?? 0) * options.features);
  const perFeature = Math.ceil(files.length / options.features);
  const features: string[][] = Array.from({ length: options.features }, () => []);
  for (let f = 0; f < alignedCount; f++)
    features[f]?.push(...files.slice(f * perFeature, (f + 1) * perFeature));
  const rest = [...files.slice(alignedCount * perFeature)].sort(() => random() - 0.5);
  rest.forEach((file, i) =>
    features[alignedCount + (i % (options.features - alignedCount))]?.push(file),
  );
  const dir = await mkdtemp(join(tmpdir(), 'subplan-history-'));
  const versions = new Map(files.map((file) => [file, 0]));
  let stream = '';
  let time = 1_700_000_000;
  const commit = (message: string, changed: readonly string[]) => {
    stream += `commit refs/heads/main\ncommitter tests <tests@localhost> ${time++} +0000\n`;
    stream += `data ${Buffer.byteLength(message)}\n${message}\n`;
    for (const file of changed) {
      const version = (versions.get(file) ?? 0) + 1;
      versions.set(file, version);
      const content = `// ${file} v${version}\nexport const v = ${version};\n`;
      stream += `M 100644 inline ${file}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
    }
  };
  commit('initial', files);
  for (let c = 0; c < options.commits; c++) {
    const feature = features[Math.floor(random() * features.length)] ?? [];
    const count = 2 + Math.floor(random() * Math.min(4, feature.length - 1));
    const changed = [...feature].sort(() => random() - 0.5).slice(0, count);
    const stray = files[Math.floor(random() * files.length)];
    if (random() < (options.noise ?? 0) && stray && !changed.includes(stray)) changed.push(stray);
    commit(`change ${c}`, changed);
  }
  await execa('git', ['init', '--quiet', '--initial-branch=main'], { cwd: dir });
  await execa('git', ['fast-import', '--quiet'], { cwd: dir, input: stream });
  await execa('git', ['reset', '--quiet', '--hard', 'main'], { cwd: dir });
  return {
    dir,
    features,
    async [Symbol.asyncDispose]() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
