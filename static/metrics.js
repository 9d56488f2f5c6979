// The Metrics page's chart: fetches /api/v1/metrics/query for the query in #chart's data
// attributes and draws it with uPlot (one line per series, legend, cursor tooltip), then the
// anomaly overlay (overlay.js) when there is one. Refreshes on
// the chosen interval. No inline script: loaded from /static under the page's CSP.
;(function () {
  var rangeMs = { '15m': 9e5, '1h': 36e5, '6h': 216e5, '24h': 864e5, '7d': 6048e5, '30d': 2592e6 }
  var refreshMs = { '10s': 1e4, '30s': 3e4, '1m': 6e4, '5m': 3e5 }
  var palette = [
    '#2456d6',
    '#d6552a',
    '#1d7a46',
    '#a15c00',
    '#8a3ffc',
    '#007d79',
    '#d12771',
    '#6f6f6f',
  ]
  var plot = null
  // The anomaly overlay of the last query (band and markers), drawn when it arrives.
  var overlay = { series: [] }

  function status(text) {
    var el = document.getElementById('chart-status')
    if (el) el.textContent = text
  }

  function seriesName(labels) {
    var name = labels.__name__ || ''
    var parts = Object.keys(labels)
      .filter(function (k) {
        return k !== '__name__'
      })
      .sort()
      .map(function (k) {
        return k + '="' + labels[k] + '"'
      })
    return name + (parts.length ? '{' + parts.join(', ') + '}' : '')
  }

  function toColumns(series) {
    var times = {}
    series.forEach(function (s) {
      s.points.forEach(function (p) {
        times[p[0]] = true
      })
    })
    var xs = Object.keys(times)
      .map(Number)
      .sort(function (a, b) {
        return a - b
      })
    var index = {}
    xs.forEach(function (t, i) {
      index[t] = i
    })
    var data = [
      xs.map(function (t) {
        return t / 1000
      }),
    ]
    series.forEach(function (s) {
      var col = new Array(xs.length).fill(null)
      s.points.forEach(function (p) {
        col[index[p[0]]] = p[1]
      })
      data.push(col)
    })
    return data
  }

  function draw(el, body) {
    var series = body.series.slice(0, 50)
    if (series.length === 0) {
      if (plot) {
        plot.destroy()
        plot = null
      }
      status('No data for this query in the chosen range.')
      return
    }
    var opts = {
      width: Math.max(300, el.clientWidth),
      height: 360,
      series: [{}].concat(
        series.map(function (s, i) {
          return {
            label: seriesName(s.labels),
            stroke: palette[i % palette.length],
            width: 1.5,
            spanGaps: false,
          }
        }),
      ),
      axes: [{}, { size: 70 }],
      legend: { live: true },
    }
    var data = toColumns(series)
    var names = series.map(function (s) {
      return seriesName(s.labels)
    })
    var marked = window.vigilOverlay
      ? window.vigilOverlay.apply(opts, data, names, overlay, seriesName)
      : 0
    if (plot) plot.destroy()
    plot = new uPlot(opts, data, el)
    status(
      series.length +
        ' series' +
        (body.series.length > 50 ? ' (first 50 of ' + body.series.length + ')' : '') +
        (marked ? ', ' + marked + ' anomal' + (marked === 1 ? 'y' : 'ies') : '') +
        ', updated ' +
        new Date().toISOString().slice(11, 19) +
        ' UTC',
    )
  }

  function load() {
    var el = document.getElementById('chart')
    if (!el || !el.dataset.query) return
    var end = Date.now()
    var start = end - (rangeMs[el.dataset.range] || 36e5)
    var url =
      '/api/v1/metrics/query?' +
      new URLSearchParams({
        query: el.dataset.query,
        start: String(start),
        end: String(end),
      }).toString()
    fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (res) {
        return res.json().then(function (body) {
          return { ok: res.ok, body: body }
        })
      })
      .then(function (r) {
        if (!r.ok) {
          status('Query failed: ' + (r.body.error ? r.body.error.message : 'unknown error'))
          return
        }
        draw(el, r.body)
        if (!window.vigilOverlay) return
        window.vigilOverlay.load(el.dataset.query, start, end).then(function (o) {
          overlay = o
          if (o.series.length) draw(el, r.body)
        })
      })
      .catch(function (err) {
        status('Query failed: ' + err.message)
      })
  }

  function labelPickers(metric) {
    var box = document.getElementById('label-pickers')
    if (!box) return
    box.textContent = ''
    if (!metric) return
    fetch('/api/v1/metrics/labels?' + new URLSearchParams({ metric: metric }).toString())
      .then(function (res) {
        return res.json()
      })
      .then(function (body) {
        Object.keys(body.labels || {}).forEach(function (name) {
          var label = document.createElement('label')
          label.textContent = name
          var select = document.createElement('select')
          select.dataset.label = name
          select.appendChild(new Option('any', ''))
          body.labels[name].forEach(function (v) {
            select.appendChild(new Option(v, v))
          })
          select.addEventListener('change', function () {
            buildQuery(metric)
          })
          label.appendChild(select)
          box.appendChild(label)
        })
      })
  }

  function buildQuery(metric) {
    var parts = []
    document.querySelectorAll('#label-pickers select').forEach(function (s) {
      if (s.value)
        parts.push(
          s.dataset.label + '="' + s.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"',
        )
    })
    var q = document.getElementById('query')
    if (q) q.value = metric + (parts.length ? '{' + parts.join(', ') + '}' : '')
  }

  document.addEventListener('DOMContentLoaded', function () {
    var picker = document.getElementById('metric-picker')
    if (picker) {
      picker.addEventListener('change', function () {
        buildQuery(picker.value)
        labelPickers(picker.value)
      })
      if (picker.value) labelPickers(picker.value)
    }
    var form = document.getElementById('metrics-form')
    if (form) {
      form.addEventListener('submit', function () {
        // The metric picker only helps build the query; the URL keeps query, range and refresh.
        if (picker) picker.disabled = true
      })
    }
    load()
    var el = document.getElementById('chart')
    var every = el && refreshMs[el.dataset.refresh]
    if (every) setInterval(load, every)
    window.addEventListener('resize', function () {
      if (plot && el) plot.setSize({ width: el.clientWidth, height: 360 })
    })
  })
})()
