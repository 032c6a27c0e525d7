import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/agents/index.js';

describe('LineSplitter', () => {
  it('joins lines across chunks and strips a carriage return', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('one\r\ntw')).toEqual([{ text: 'one', cut: false }]);
    expect(splitter.push('o\nthree')).toEqual([{ text: 'two', cut: false }]);
    expect(splitter.end()).toEqual([{ text: 'three', cut: false }]);
  });

  it('never holds more than the longest line: a line without a newline comes out in pieces', () => {
    const splitter = new LineSplitter({ maxLineLength: 4 });
    expect(splitter.push('abcdefghij')).toEqual([
      { text: 'abcd', cut: true },
      { text: 'efgh', cut: true },
    ]);
    expect(splitter.push('k\nlm')).toEqual([{ text: 'ijk', cut: false }]);
    expect(splitter.end()).toEqual([{ text: 'lm', cut: false }]);
  });

  it('keeps a character split between two chunks whole', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('é\n');
    expect(splitter.push(bytes.subarray(0, 1))).toEqual([]);
    expect(splitter.push(bytes.subarray(1))).toEqual([{ text: 'é', cut: false }]);
  });
});
