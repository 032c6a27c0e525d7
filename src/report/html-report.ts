/**
 * The HTML report of a run: one self-contained file, with vis-timeline's script and styles
 * inlined and a Content-Security-Policy that allows no request at all, so it opens offline and
 * can be mailed or attached to a ticket. The run's data goes in as JSON inside a
 * `<script type="application/json">` with every `<` escaped: agent output and names are text to
 * the page, never markup.
 */
import { REPORT_PAGE_SCRIPT } from './report-page-script.js';
import type { ReportAssets } from './report-assets.js';
import type { TimelineModel } from './timeline-model.js';

const PAGE_STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 24px 32px; color: #1d1d1f; background: #fff; }
h1 { font-size: 20px; margin: 20px 0 8px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
#facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0; }
.fact dt { font-size: 12px; color: #666; }
.fact dd { margin: 0; font-weight: 600; }
.run-status.failed, .run-status.conflict { color: #d62728; }
.run-status.succeeded { color: #2e7d32; }
#legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 12px 0; font-size: 12px; }
.key { display: inline-flex; align-items: center; gap: 4px; }
.swatch { display: inline-block; width: 14px; height: 10px; border-radius: 2px; }
.swatch.failed { background: #d62728; }
.swatch.cached { background: repeating-linear-gradient(135deg, #888 0 3px, #ddd 3px 6px); }
.swatch.critical { outline: 2px solid #111; background: #fff; }
.swatch.attempt { background: #fff; border: 1px dashed #d62728; }
#timeline, #running { border: 1px solid #ddd; }
.vis-item.task { color: #fff; border-radius: 3px; min-width: 3px; }
.vis-item.task.kind-merge { opacity: 0.9; }
.vis-item.task.cached { background-image: repeating-linear-gradient(135deg, rgba(255,255,255,0.45) 0 4px, transparent 4px 8px); }
.vis-item.task.critical { box-shadow: 0 0 0 2px #111; }
.vis-item.task.vis-selected { box-shadow: 0 0 0 3px #ffbf00; }
.vis-item.attempt { background: #fff; border: 1px dashed #d62728; color: #d62728; }
.bar-label { font-size: 12px; padding: 0 2px; white-space: nowrap; }
.running-line { fill: #4e79a7; fill-opacity: 0; stroke: #4e79a7; stroke-width: 2px; }
.vis-graph-group0.vis-fill, .running-line.vis-fill { fill: #4e79a7; fill-opacity: 0.25; stroke: none; }
.limit-line { fill: none; stroke: #d62728; stroke-width: 2px; stroke-dasharray: 6 4; }
.vis-legend-text { font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th button { font: inherit; font-weight: 600; border: 0; background: none; cursor: pointer; padding: 0; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
tr.status-failed td, tr.status-conflict td { color: #b71c1c; }
tr.selected td { background: #fff6d6; }
.star { color: #b8860b; }
td:last-child { max-width: 40ch; overflow-wrap: anywhere; }
`;

/** Serialises `value` for a `<script type="application/json">`: no `<` can close the element. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Keeps inlined code from closing its own `<script>` or `<style>` element early. */
function inlineSafe(code: string, tag: 'script' | 'style'): string {
  return code.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
}

export function renderHtmlReport(model: TimelineModel, assets: ReportAssets): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may be fetched: the file stands alone, offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>subplan run</title>',
    `<style>${inlineSafe(assets.css, 'style')}</style>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1 id="run-title">subplan run</h1>',
    '<dl id="facts"></dl>',
    '<div id="legend"></div>',
    '<h2>Tasks on worker slots</h2>',
    '<div id="timeline"></div>',
    '<h2>Agents running</h2>',
    '<div id="running"></div>',
    '<h2>Tasks</h2>',
    '<table id="tasks"><thead><tr></tr></thead><tbody></tbody></table>',
    `<script type="application/json" id="report-data">${embedJson(model)}</script>`,
    `<script>${inlineSafe(assets.script, 'script')}</script>`,
    `<script>${REPORT_PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
