// The anomaly overlay of the Metrics chart: for a plain series selector, the band the detector
// expected and the points where a series became anomalous, from /api/v1/anomalies/overlay.
// metrics.js calls window.vigilOverlay.load() with each query and .apply() when it draws.
;(function () {
  var bandFill = 'rgba(36, 86, 214, 0.12)'

  function load(query, start, end) {
    var url =
      '/api/v1/anomalies/overlay?' +
      new URLSearchParams({ query: query, start: String(start), end: String(end) }).toString()
    return fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (res) {
        return res.ok ? res.json() : { series: [] }
      })
      .catch(function () {
        return { series: [] }
      })
  }

  // stepValues gives, for each chart time (ms), the band value in force then (the last band
  // point at or before it), or null outside the band.
  function stepValues(xsMs, band, k) {
    var out = new Array(xsMs.length).fill(null)
    var j = 0
    for (var i = 0; i < xsMs.length; i++) {
      while (j + 1 < band.length && band[j + 1][0] <= xsMs[i]) j++
      if (band.length && band[j][0] <= xsMs[i] && xsMs[i] - band[j][0] < 3600e3) out[i] = band[j][k]
    }
    return out
  }

  function nearest(xsMs, t) {
    var best = 0
    for (var i = 1; i < xsMs.length; i++)
      if (Math.abs(xsMs[i] - t) < Math.abs(xsMs[best] - t)) best = i
    return best
  }

  // apply adds, for each overlay series drawn on the chart, its band (two faint lines with the
  // area between filled) and its anomalies as points; it returns how many anomalies it drew.
  function apply(opts, data, names, overlay, nameOf) {
    var xsMs = data[0].map(function (s) {
      return s * 1000
    })
    var count = 0
    opts.bands = []
    ;(overlay.series || []).forEach(function (o) {
      var at = names.indexOf(nameOf(o.labels))
      if (at < 0) return
      if (o.band.length) {
        var high = opts.series.length
        opts.series.push({
          label: 'expected high',
          stroke: bandFill,
          width: 1,
          points: { show: false },
        })
        data.push(stepValues(xsMs, o.band, 2))
        opts.series.push({
          label: 'expected low',
          stroke: bandFill,
          width: 1,
          points: { show: false },
        })
        data.push(stepValues(xsMs, o.band, 1))
        opts.bands.push({ series: [high, high + 1], fill: bandFill })
      }
      if (o.anomalies.length && xsMs.length) {
        var marks = new Array(xsMs.length).fill(null)
        o.anomalies.forEach(function (a) {
          marks[nearest(xsMs, Date.parse(a.ts))] = a.value
        })
        opts.series.push({
          label: 'anomalies',
          stroke: '#c62828',
          width: 0,
          paths: function () {
            return null
          },
          points: { show: true, size: 9, fill: '#c62828' },
        })
        data.push(marks)
        count += o.anomalies.length
      }
    })
    return count
  }

  window.vigilOverlay = { load: load, apply: apply }
})()
