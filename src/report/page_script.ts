/**
 * The script inside a report page: reads the report data from the page's JSON block and draws
 * the runs table, the run context and one uPlot chart per chart entry, with non-finite values
 * marked. It exposes `window.__wbx = { data, plots }` so tests (and curious users) can read
 * exactly what each chart holds. Plain browser JavaScript, kept as a string so every runtime and
 * the published module carry it.
 *
 * @module
 */

/** The page script's source. */
export const PAGE_SCRIPT: string = String.raw`
(function () {
  'use strict'
  var roots = document.querySelectorAll('.wbx-report')
  var root = (document.currentScript && document.currentScript.closest('.wbx-report')) ||
    roots[roots.length - 1]
  var data = JSON.parse(root.querySelector('script.wbx-data').textContent)
  var plots = []
  window.__wbx = { data: data, plots: plots }
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
    '#17becf', '#bcbd22', '#7f7f7f']
  var MARK = { NaN: '#d62728', Infinity: '#ff7f0e', '-Infinity': '#9467bd' }

  function el(tag, attrs, children) {
    var node = document.createElement(tag)
    if (attrs) for (var k in attrs) {
      if (k === 'text') node.textContent = attrs[k]
      else if (k === 'class') node.className = attrs[k]
      else node.setAttribute(k, attrs[k])
    }
    if (children) for (var i = 0; i < children.length; i++) {
      if (children[i] != null) node.appendChild(children[i])
    }
    return node
  }
  function text(v) {
    if (v === null || v === undefined) return ''
    if (typeof v === 'number') return fmtNum(v)
    if (typeof v === 'string') return v
    return JSON.stringify(v)
  }
  function fmtNum(v) {
    if (!isFinite(v)) return String(v)
    if (Number.isInteger(v)) return String(v)
    var a = Math.abs(v)
    return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(4) : String(+v.toPrecision(6))
  }
  function duration(s) {
    if (typeof s !== 'number') return ''
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = Math.round(s % 60)
    return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + sec + 's'
  }
  function flatten(obj, prefix, out) {
    out = out || {}
    for (var k in obj) {
      var v = obj[k]
      if (v && typeof v === 'object' && !Array.isArray(v) && !('_type' in v) &&
        Object.keys(v).length) flatten(v, prefix + k + '.', out)
      else out[prefix + k] = v
    }
    return out
  }
  function color(i) { return COLORS[i % COLORS.length] }

  function sortable(table) {
    var heads = table.querySelectorAll('th')
    heads.forEach(function (th, col) {
      th.addEventListener('click', function () {
        var dir = th.getAttribute('data-sort') === 'asc' ? 'desc' : 'asc'
        heads.forEach(function (h) { h.removeAttribute('data-sort') })
        th.setAttribute('data-sort', dir)
        var body = table.tBodies[0]
        var rows = Array.prototype.slice.call(body.rows)
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v')
          var nx = parseFloat(x), ny = parseFloat(y)
          var c = !isNaN(nx) && !isNaN(ny) ? nx - ny : String(x).localeCompare(String(y))
          return dir === 'asc' ? c : -c
        })
        rows.forEach(function (r) { body.appendChild(r) })
      })
    })
  }
  function table(columns, rows, cls) {
    var head = el('tr', null, columns.map(function (c) { return el('th', { text: c, title: 'Sort by ' + c }) }))
    var body = el('tbody', null, rows.map(function (r) {
      return el('tr', null, r.map(function (v) {
        var sortKey = typeof v === 'number' ? String(v) : text(v)
        return el('td', { text: text(v), 'data-v': sortKey })
      }))
    }))
    var t = el('table', { class: cls || '' }, [el('thead', null, [head]), body])
    sortable(t)
    return t
  }

  function runsSection(app) {
    var runs = data.runs
    var summaryKeys = []
    runs.forEach(function (r) {
      Object.keys(flatten(r.summary, '', {})).forEach(function (k) {
        if (summaryKeys.indexOf(k) < 0 && k.charAt(0) !== '_') summaryKeys.push(k)
      })
    })
    summaryKeys = summaryKeys.slice(0, 12)
    var diff = data.configDiff.slice(0, 20)
    var columns = ['name', 'id', 'state', 'created', 'duration', 'tags', 'group', 'steps']
      .concat(diff.map(function (k) { return 'config.' + k }))
      .concat(summaryKeys)
    var rows = runs.map(function (r) {
      var cfg = flatten(r.config, '', {}), sum = flatten(r.summary, '', {})
      return [r.name, r.id, r.state, r.createdAt, r.durationSeconds, (r.tags || []).join(', '),
        r.group, r.historyRows]
        .concat(diff.map(function (k) { return cfg[k] }))
        .concat(summaryKeys.map(function (k) { return sum[k] }))
    })
    var sec = el('section', { id: 'runs' }, [el('h2', { text: runs.length === 1 ? 'Run' : 'Runs (' + runs.length + ')' })])
    var t = table(columns, rows, 'runs')
    t.rows[0].cells[4].textContent = 'duration (s)'
    sec.appendChild(el('div', { class: 'scroll' }, [t]))
    var detailsHost = sec
    if (runs.length > 5) {
      detailsHost = el('details', { class: 'all-runs' }, [el('summary', { text: 'Details of each run (' + runs.length + ')' })])
      sec.appendChild(detailsHost)
    }
    runs.forEach(function (r) {
      var facts = [['state', r.state], ['created', r.createdAt], ['duration', duration(r.durationSeconds)],
        ['tags', (r.tags || []).join(', ')], ['notes', r.notes], ['group', r.group],
        ['job type', r.jobType], ['path', r.path], ['url', r.url],
        ['history rows', r.historyRows], ['system rows', r.systemRows]]
      var dl = el('dl', null, [])
      facts.forEach(function (f) {
        if (f[1] === null || f[1] === undefined || f[1] === '') return
        dl.appendChild(el('dt', { text: f[0] }))
        dl.appendChild(el('dd', { text: text(f[1]) }))
      })
      var cfg = flatten(r.config, '', {}), sum = flatten(r.summary, '', {})
      var details = el('details', { class: 'run', open: runs.length === 1 ? '' : null }, [
        el('summary', { text: r.name + ' (' + r.id + ')' }),
        (r.warnings || []).length ? el('p', { class: 'warn', text: r.warnings.join('; ') }) : null,
        el('div', { class: 'kvs' }, [
          el('div', null, [el('h3', { text: 'Run' }), dl]),
          el('div', null, [el('h3', { text: 'Config' }),
            table(['key', 'value'], Object.keys(cfg).map(function (k) { return [k, cfg[k]] }), 'kv')]),
          el('div', null, [el('h3', { text: 'Summary' }),
            table(['key', 'value'], Object.keys(sum).map(function (k) { return [k, sum[k]] }), 'kv')]),
        ]),
      ])
      if (runs.length !== 1) details.removeAttribute('open')
      detailsHost.appendChild(details)
    })
    if (runs.length > 1 && data.configDiff.length) {
      sec.appendChild(el('h3', { text: 'Config keys that differ' }))
      var cfgs = runs.map(function (r) { return flatten(r.config, '', {}) })
      sec.appendChild(el('div', { class: 'scroll' }, [table(['key'].concat(runs.map(function (r) { return r.name })),
        data.configDiff.map(function (k) { return [k].concat(cfgs.map(function (c) { return c[k] })) }), 'diff')]))
    }
    app.appendChild(sec)
  }

  function drawMarks(chart) {
    return function (u) {
      var ctx = u.ctx, top = u.bbox.top, bottom = u.bbox.top + u.bbox.height
      var size = 5 * (window.devicePixelRatio || 1)
      chart.series.forEach(function (s) {
        for (var i = 0; i < s.marks.length; i++) {
          var x = u.valToPos(s.marks[i][0], 'x', true), kind = s.marks[i][1]
          if (x < u.bbox.left - 1 || x > u.bbox.left + u.bbox.width + 1) continue
          var y = kind === '-Infinity' ? bottom : top
          var dir = kind === '-Infinity' ? -1 : 1
          ctx.fillStyle = MARK[kind]
          ctx.beginPath()
          ctx.moveTo(x - size, y)
          ctx.lineTo(x + size, y)
          ctx.lineTo(x, y + dir * size * 1.6)
          ctx.closePath()
          ctx.fill()
        }
      })
    }
  }

  function chartCard(chart) {
    var tables = chart.series.map(function (s) { return [s.x, s.y] })
    var aligned = tables.length === 1 ? tables[0] : uPlot.join(tables)
    var timeX = chart.xKey === '_timestamp'
    var series = [{ label: chart.xKey }].concat(chart.series.map(function (s, i) {
      return { label: s.label, stroke: color(i), width: 1, points: { show: false }, spanGaps: false }
    }))
    var stats = chart.series.map(function (s) {
      var bad = s.nonFinite.NaN + s.nonFinite.Infinity + s.nonFinite['-Infinity']
      return (chart.series.length > 1 ? s.label + ': ' : '') + s.count + ' points' +
        (s.reduced ? ' (' + s.x.length + ' drawn, every bucket\u2019s first/min/max/last)' : '') +
        (s.max ? ', max ' + fmtNum(s.max.y) + ' at ' + fmtNum(s.max.x) : '') +
        (bad ? ', ' + ['NaN', 'Infinity', '-Infinity'].filter(function (k) { return s.nonFinite[k] })
          .map(function (k) { return s.nonFinite[k] + ' ' + k }).join(', ') : '')
    })
    var box = el('div', { class: 'plot' })
    var card = el('figure', { class: 'chart', 'data-chart-id': chart.id }, [
      el('figcaption', { text: chart.title }), box,
      el('p', { class: 'stats', text: stats.slice(0, 3).join('; ') + (stats.length > 3 ? '; ...' : '') }),
    ])
    var opts = {
      width: 380, height: 240,
      scales: { x: { time: timeX } },
      axes: [{ label: timeX ? '' : chart.xKey }, {}],
      legend: { show: chart.series.length <= 12, live: true },
      cursor: { drag: { x: true, y: false } },
      series: series,
      hooks: { draw: [drawMarks(chart)] },
    }
    return { card: card, box: box, opts: opts, data: aligned }
  }

  function chartsSection(app) {
    var sections = []
    var bySection = {}
    data.charts.forEach(function (c) {
      if (!bySection[c.section]) { bySection[c.section] = []; sections.push(c.section) }
      bySection[c.section].push(c)
    })
    var order = function (s) { return s.indexOf('System') === 0 ? 1 : 0 }
    sections.sort(function (a, b) { return order(a) - order(b) })
    if (data.missingKeys.length) {
      app.appendChild(el('p', { class: 'warn', text: 'Keys never logged: ' + data.missingKeys.join(', ') }))
    }
    sections.forEach(function (name) {
      var grid = el('div', { class: 'grid' })
      var sec = el('section', { class: 'charts' }, [el('h2', { text: name }), grid])
      app.appendChild(sec)
      bySection[name].forEach(function (chart) {
        var c = chartCard(chart)
        grid.appendChild(c.card)
        c.opts.width = Math.max(300, c.box.clientWidth || 380)
        var u = new uPlot(c.opts, c.data, c.box)
        plots.push({ id: chart.id, title: chart.title, uplot: u })
      })
    })
  }

  var app = root.querySelector('.wbx-app')
  runsSection(app)
  chartsSection(app)
  root.setAttribute('data-ready', 'true')
})()
`
