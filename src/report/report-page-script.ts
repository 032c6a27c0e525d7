/**
 * The script of the HTML report, run by the browser: it reads the model from the page's JSON
 * block and draws it with vis-timeline (the Gantt of slots and the chart of agents running, on
 * one synchronised time axis) and a sortable table. Every text of the run (task ids, reasons,
 * branches) reaches the page through `textContent` or DOM properties, never as markup.
 * Plain ES2017, no template literals, so it can live in this string as written.
 */
export const REPORT_PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var model = JSON.parse(document.getElementById('report-data').textContent);
  var PALETTE = ['#4e79a7', '#f28e2b', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
    '#9c755f', '#86bcb6', '#bab0ac'];
  var FAILED = '#d62728';
  var CANCELLED = '#a0a0a0';
  var phases = [];
  model.tasks.forEach(function (task) {
    if (phases.indexOf(task.phase) === -1) phases.push(task.phase);
  });
  function phaseColor(phase) {
    return PALETTE[phases.indexOf(phase) % PALETTE.length];
  }
  function isFailure(status) {
    return status === 'failed' || status === 'conflict';
  }
  function barColor(task) {
    if (isFailure(task.status)) return FAILED;
    if (task.status === 'cancelled') return CANCELLED;
    return phaseColor(task.phase);
  }
  function formatMs(ms) {
    if (ms === null || ms === undefined) return '-';
    if (ms < 1000) return Math.round(ms) + 'ms';
    if (ms < 60000) return (ms / 1000).toFixed(1) + 's';
    var minutes = Math.floor(ms / 60000);
    var seconds = Math.round((ms % 60000) / 1000);
    return minutes + 'm ' + (seconds < 10 ? '0' : '') + seconds + 's';
  }
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function durationOf(task) {
    return task.run ? task.run.end - task.run.start : null;
  }
  function startOf(task) {
    return task.run ? task.run.start - model.started_at : null;
  }
  function statusText(task) {
    return task.status + (task.cached ? ' (cached)' : '');
  }
  function tooltip(task) {
    return [
      task.id + ': ' + statusText(task) + (task.critical ? ', on the critical path' : ''),
      'phase ' + task.phase + ', ' + task.kind + ', ' + formatMs(durationOf(task)),
      task.branch || '',
      task.reason || ''
    ].filter(Boolean).join('\n');
  }

  var makespan = model.finished_at - model.started_at;
  document.getElementById('run-title').textContent = 'subplan run ' + model.run_id;
  document.title = 'subplan run ' + model.run_id + ' (' + model.plan + ')';
  var facts = document.getElementById('facts');
  [
    ['plan', model.plan],
    ['status', model.status],
    ['makespan', formatMs(makespan)],
    ['agents at once', model.peak_running + ' of max_parallel ' + model.max_parallel],
    ['tasks', String(model.tasks.length)],
    ['critical path', formatMs(model.critical_path_ms) + ': ' + model.critical_path.join(' \u2192 ')]
  ].forEach(function (fact) {
    var item = el('div', null, 'fact');
    item.appendChild(el('dt', fact[0]));
    item.appendChild(el('dd', fact[1], fact[0] === 'status' ? 'run-status ' + model.status : ''));
    facts.appendChild(item);
  });
  var legend = document.getElementById('legend');
  // A legend is for telling phases apart; past a screenful of them the table says which is which.
  var LEGEND_PHASES = 16;
  phases.slice(0, LEGEND_PHASES).forEach(function (phase) {
    var key = el('span', phase, 'key');
    var swatch = el('i', null, 'swatch');
    swatch.style.background = phaseColor(phase);
    key.insertBefore(swatch, key.firstChild);
    legend.appendChild(key);
  });
  if (phases.length > LEGEND_PHASES) {
    legend.appendChild(el('span', '+' + (phases.length - LEGEND_PHASES) + ' more phases', 'key'));
  }
  [['failed', 'swatch failed'], ['cached', 'swatch cached'], ['critical path', 'swatch critical'],
    ['earlier attempt', 'swatch attempt']].forEach(function (entry) {
    var key = el('span', entry[0], 'key');
    key.insertBefore(el('i', null, entry[1]), key.firstChild);
    legend.appendChild(key);
  });

  var groups = [];
  for (var slot = 0; slot < model.slot_count; slot++) {
    groups.push({ id: 'slot-' + slot, content: 'slot ' + (slot + 1), order: slot });
  }
  groups.push({ id: 'merges', content: 'merges', order: model.slot_count });
  var items = [];
  function groupOf(interval) {
    return interval.slot === null ? 'merges' : 'slot-' + interval.slot;
  }
  model.tasks.forEach(function (task) {
    task.earlier_attempts.forEach(function (attempt, index) {
      items.push({
        id: task.id + '#' + (index + 1), group: groupOf(attempt), type: 'range',
        start: new Date(attempt.start), end: new Date(attempt.end),
        className: 'attempt', label: task.id + ' #' + (index + 1),
        tip: task.id + ': attempt ' + (index + 1) + ' failed or was cut, ' +
          formatMs(attempt.end - attempt.start)
      });
    });
    if (!task.run) return;
    var classes = ['task', 'kind-' + task.kind, 'status-' + task.status];
    if (task.cached) classes.push('cached');
    if (task.critical) classes.push('critical');
    items.push({
      id: task.id, group: groupOf(task.run), type: 'range',
      start: new Date(task.run.start), end: new Date(Math.max(task.run.end, task.run.start + 1)),
      className: classes.join(' '),
      style: 'background-color: ' + barColor(task) + '; border-color: ' + barColor(task) + ';',
      label: (task.cached ? '\u21bb ' : '') + task.id, tip: tooltip(task)
    });
  });
  var padding = Math.max(50, makespan * 0.02);
  var windowStart = new Date(model.started_at - padding);
  var windowEnd = new Date(model.finished_at + padding);
  var timeline = new vis.Timeline(document.getElementById('timeline'), new vis.DataSet(items),
    new vis.DataSet(groups), {
      stack: false, showCurrentTime: false, orientation: 'top', zoomKey: 'ctrlKey',
      start: windowStart, end: windowEnd, min: windowStart, max: windowEnd, zoomMin: 10,
      groupOrder: 'order', selectable: true, margin: { item: { vertical: 6 } },
      template: function (item) {
        var label = el('span', item.label, 'bar-label');
        label.title = item.tip;
        return label;
      }
    });

  var points = [{ x: new Date(model.started_at), y: 0, group: 'running' }];
  var previous = 0;
  // Graph2d draws straight lines between points and may reorder points at equal times, so each
  // step holds the old count until a millisecond before the change.
  model.running.forEach(function (point) {
    points.push({ x: new Date(point.t - 1), y: previous, group: 'running' });
    points.push({ x: new Date(point.t), y: point.running, group: 'running' });
    previous = point.running;
  });
  points.push({ x: new Date(model.finished_at), y: previous, group: 'running' });
  points.push({ x: new Date(model.started_at), y: model.max_parallel, group: 'limit' });
  points.push({ x: new Date(model.finished_at), y: model.max_parallel, group: 'limit' });
  var chartGroups = new vis.DataSet([
    { id: 'running', content: 'agents running', className: 'running-line',
      options: { shaded: { enabled: true, orientation: 'bottom' } } },
    { id: 'limit', content: 'max_parallel (' + model.max_parallel + ')', className: 'limit-line',
      options: { shaded: { enabled: false } } }
  ]);
  var chart = new vis.Graph2d(document.getElementById('running'), new vis.DataSet(points),
    chartGroups, {
      start: windowStart, end: windowEnd, min: windowStart, max: windowEnd, zoomKey: 'ctrlKey',
      height: '220px', drawPoints: false, interpolation: false, showCurrentTime: false,
      legend: { left: { position: 'top-left' } },
      dataAxis: { left: { range: { min: 0, max: model.max_parallel + 1 },
        format: function (value) { return Number(value) % 1 === 0 ? String(value) : ''; } } }
    });
  var syncing = false;
  function follow(source, target) {
    source.on('rangechange', function (range) {
      if (syncing || !range.byUser) return;
      syncing = true;
      target.setWindow(range.start, range.end, { animation: false });
      syncing = false;
    });
  }
  follow(timeline, chart);
  follow(chart, timeline);

  var columns = [
    { key: 'task', title: 'task', value: function (t) { return t.id; } },
    { key: 'phase', title: 'phase', value: function (t) { return t.phase; } },
    { key: 'kind', title: 'kind', value: function (t) { return t.kind; } },
    { key: 'status', title: 'status', value: statusText },
    { key: 'start', title: 'start', value: startOf, format: function (v) {
      return v === null ? '-' : '+' + formatMs(v);
    } },
    { key: 'duration', title: 'duration', value: durationOf, format: formatMs },
    { key: 'branch', title: 'branch', value: function (t) { return t.branch || ''; } },
    { key: 'reason', title: 'reason', value: function (t) { return t.reason || ''; } }
  ];
  var table = document.getElementById('tasks');
  var headRow = table.tHead.rows[0];
  var body = table.tBodies[0];
  var rows = model.tasks.map(function (task) {
    var row = document.createElement('tr');
    row.dataset.task = task.id;
    row.className = 'status-' + task.status + (task.critical ? ' critical' : '');
    columns.forEach(function (column) {
      var value = column.value(task);
      var cell = el('td', column.format ? column.format(value) : value);
      if (column.key === 'task' && task.critical) cell.appendChild(el('span', ' \u2605', 'star'));
      row.appendChild(cell);
    });
    row.addEventListener('click', function () {
      if (task.run) timeline.setSelection([task.id], { focus: true });
      select(task.id);
    });
    return { task: task, row: row };
  });
  function select(id) {
    rows.forEach(function (entry) { entry.row.classList.toggle('selected', entry.task.id === id); });
  }
  timeline.on('select', function (event) { select(event.items[0]); });
  function render() { rows.forEach(function (entry) { body.appendChild(entry.row); }); }
  function compare(a, b) {
    if (a === b) return 0;
    if (a === null || a === '') return 1;
    if (b === null || b === '') return -1;
    return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  }
  columns.forEach(function (column) {
    var th = document.createElement('th');
    th.dataset.key = column.key;
    th.setAttribute('aria-sort', 'none');
    var button = el('button', column.title);
    button.type = 'button';
    th.appendChild(button);
    button.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(headRow.cells, function (cell) {
        cell.setAttribute('aria-sort', 'none');
      });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      rows.sort(function (x, y) {
        var a = column.value(x.task);
        var b = column.value(y.task);
        var order = compare(a, b);
        // Empty values stay last whichever way the column is sorted.
        if (a === null || a === '' || b === null || b === '') return order;
        return ascending ? order : -order;
      });
      render();
    });
    headRow.appendChild(th);
  });
  render();
  // Ready once vis-timeline has shown its first drawing, with every bar laid out.
  var barCount = items.filter(function (item) { return item.className !== 'attempt'; }).length;
  function markReady() {
    var root = document.querySelector('#timeline .vis-timeline');
    var bars = document.querySelectorAll('#timeline .vis-item.task');
    var laidOut = Array.prototype.every.call(bars, function (bar) {
      return bar.getBoundingClientRect().width > 0;
    });
    if (root && getComputedStyle(root).visibility === 'visible' && bars.length === barCount &&
        laidOut) {
      document.body.dataset.ready = 'true';
    } else {
      requestAnimationFrame(markReady);
    }
  }
  requestAnimationFrame(markReady);
})();
`;
