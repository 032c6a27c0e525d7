import { describe, expect, it } from 'vitest';
import { buildTimelineModel, embedJson, renderHtmlReport } from '../../src/report/index.js';
import { finished, runFinished, runStarted, started } from './run-events.js';

describe('renderHtmlReport', () => {
  const model = buildTimelineModel([
    runStarted([{ id: 'a' }]),
    started(0, 'a'),
    finished(0, 100, 'a', { failed: true, reason: '</script><script>alert(1)</script>' }),
    runFinished(100, 'failed'),
  ]);
  const assets = { script: 'var s = "</script>";', css: 'a::after { content: "</style>" }' };
  const html = renderHtmlReport(model, assets);

  it('embeds the run as JSON that no text of the run can close', () => {
    const match = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
    expect(JSON.parse(match?.[1] ?? '')).toEqual(JSON.parse(JSON.stringify(model)));
    expect(html).not.toContain('<script>alert(1)');
    expect(embedJson({ text: '<!-- <b>' })).toBe('{"text":"\\u003c!-- \\u003cb>"}');
  });

  it('inlines the library so that its own text cannot end its element, and links to nothing', () => {
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html.match(/<\/style>/g)).toHaveLength(2);
    expect(html).not.toMatch(/<(script|img|link)[^>]+(src|href)=/);
    expect(html).toContain("default-src 'none'");
  });
});
