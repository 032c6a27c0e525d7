import { describe, expect, it } from 'vitest';
import { findConflictMarkers, openRepo } from '../../src/git/index.js';
import { createTempRepo } from '../helpers/temp-repo.js';

const CONFLICT = '<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> other\n';

describe('findConflictMarkers', () => {
  it('names files whose added lines start with a marker, and only those', async () => {
    await using temp = await createTempRepo({ 'old.txt': CONFLICT, 'keep.txt': 'x\n' });
    const base = await temp.git('rev-parse', 'HEAD');
    await temp.write({
      'new.ts': `a\n${CONFLICT}`,
      // Resolving old markers is not adding them.
      'old.txt': 'resolved\n',
      'heading.md': 'Title\n=======\n',
      'inline.txt': 'a <<<<<<< b\n  >>>>>>> indented\n',
      'half.txt': '>>>>>>> only the end\n',
    });
    const head = await temp.commitAll('agent work');
    const repo = await openRepo(temp.dir);
    expect(await findConflictMarkers(repo, { from: base, to: head })).toEqual([
      'half.txt',
      'new.ts',
    ]);
    expect(await findConflictMarkers(repo, { from: head, to: head })).toEqual([]);
  });
});
