/**
 * The built-in deterministic agent, run as a real child process like any other agent. It needs
 * no network and no keys, and its edits depend only on its arguments and the files it is given:
 * it appends a note of the task's prompt to each of its files (in the file's comment syntax) and
 * records the task in `CHANGES/<task>.md`, so every run of the same plan produces the same trees.
 *
 *   demo-agent --task ID --phase ID --prompt TEXT --files-file PATH
 *
 * `SUBPLAN_DEMO_DELAY_MS` makes it pause before editing, so parallel work is visible in the demo.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const COMMENT: Record<string, [string, string]> = {
  '.ts': ['// ', ''],
  '.tsx': ['// ', ''],
  '.js': ['// ', ''],
  '.mjs': ['// ', ''],
  '.jsx': ['// ', ''],
  '.css': ['/* ', ' */'],
  '.py': ['# ', ''],
  '.sh': ['# ', ''],
  '.yaml': ['# ', ''],
  '.yml': ['# ', ''],
  '.toml': ['# ', ''],
  '.md': ['<!-- ', ' -->'],
  '.html': ['<!-- ', ' -->'],
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      task: { type: 'string' },
      phase: { type: 'string' },
      prompt: { type: 'string', default: '' },
      'files-file': { type: 'string' },
    },
  });
  const task = values.task ?? values.phase ?? 'task';
  const summary = (values.prompt ?? '').split('\n')[0]?.trim() ?? '';
  const listed = values['files-file'] ? await readFile(values['files-file'], 'utf8') : '';
  const files = listed
    .split('\n')
    .filter((f) => f !== '')
    .sort();
  const delay = Number(process.env['SUBPLAN_DEMO_DELAY_MS'] ?? 0);
  process.stdout.write(`demo agent: ${task}: ${files.length} file(s) in scope\n`);
  if (delay > 0) await sleep(delay);
  let edited = 0;
  for (const file of files) {
    const style = COMMENT[extname(file)];
    if (!style) continue;
    await appendFile(file, `${style[0]}${task}: ${summary}${style[1]}\n`);
    process.stdout.write(`edited ${file}\n`);
    edited++;
  }
  await mkdir('CHANGES', { recursive: true });
  await writeFile(
    join('CHANGES', `${task}.md`),
    `# ${task}\n\n${values.prompt ?? ''}\n\nEdited ${edited} of ${files.length} file(s).\n`,
  );
  process.stdout.write(`demo agent: ${task}: done\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `demo agent failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
