// The Logs page's live tail: an EventSource on /api/v1/logs/:service/stream (the JSON events of
// the stream are not HTML, so htmx's SSE extension cannot swap them). New lines go on top; while
// paused they are counted and kept, and shown on resume. Lines are built with text nodes only, so
// a message's markup is never parsed. No inline script: loaded from /static under the page's CSP.
;(function () {
  var maxKept = 1000

  function el(tag, attrs, text) {
    var node = document.createElement(tag)
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k])
    })
    if (text !== undefined) node.textContent = text
    return node
  }

  function marked(message, pattern) {
    var span = el('span', { class: 'message' })
    if (!pattern) {
      span.textContent = message
      return span
    }
    var re = new RegExp(pattern, 'giu')
    var last = 0
    var m
    while ((m = re.exec(message)) !== null) {
      if (m[0] === '') {
        re.lastIndex++
        continue
      }
      if (m.index > last) span.appendChild(document.createTextNode(message.slice(last, m.index)))
      span.appendChild(el('mark', {}, m[0]))
      last = m.index + m[0].length
    }
    if (last < message.length) span.appendChild(document.createTextNode(message.slice(last)))
    return span
  }

  // Mirrors views/partials/log-lines.tsx.
  function lineItem(log, pattern) {
    var li = el('li', { class: 'log-line live', 'data-level': log.level })
    var details = el('details')
    var summary = el('summary')
    summary.appendChild(el('time', { datetime: log.ts }, log.ts.slice(0, 23).replace('T', ' ')))
    summary.appendChild(el('span', { class: 'level level-' + log.level }, log.level))
    summary.appendChild(marked(log.message, pattern))
    details.appendChild(summary)
    var dl = el('dl', { class: 'line-detail' })
    var labels = Object.keys(log.labels || {})
    var rows = [
      ['Service', document.createTextNode(log.service)],
      ['Level', document.createTextNode(log.level)],
      ['Time', el('code', {}, log.ts)],
    ]
    rows.forEach(function (r) {
      dl.appendChild(el('dt', {}, r[0]))
      var dd = el('dd')
      dd.appendChild(r[1])
      dl.appendChild(dd)
    })
    dl.appendChild(el('dt', {}, 'Labels'))
    var dd = el('dd', {}, labels.length ? undefined : 'none')
    labels.forEach(function (k) {
      dd.appendChild(el('code', { class: 'label' }, k + '=' + log.labels[k]))
    })
    dl.appendChild(dd)
    details.appendChild(dl)
    li.appendChild(details)
    return li
  }

  function start(tail) {
    var list = document.getElementById('log-lines')
    var toggle = document.getElementById('tail-toggle')
    var pause = document.getElementById('tail-pause')
    var status = document.getElementById('tail-status')
    var droppedNote = document.getElementById('tail-dropped')
    var pattern = tail.getAttribute('data-pattern') || ''
    var source = null
    var paused = false
    var held = []
    var heldCount = 0
    var dropped = 0

    function say(text) {
      status.textContent = text
    }

    function show(log) {
      var empty = document.getElementById('no-lines')
      if (empty) empty.remove()
      list.insertBefore(lineItem(log, pattern), list.firstChild)
      // Bound the page: past the cap the oldest go, and with them the way to page further back.
      var items = list.querySelectorAll('li.log-line')
      for (var i = maxKept; i < items.length; i++) items[i].remove()
      if (items.length > maxKept)
        list.querySelectorAll('li.more').forEach(function (m) {
          m.remove()
        })
    }

    function heldText() {
      return 'Paused: ' + heldCount + ' new line' + (heldCount === 1 ? '' : 's') + ' held'
    }

    function stop() {
      if (source) source.close()
      source = null
      // What was held belongs to the stopped tail; the next one starts live.
      paused = false
      held = []
      heldCount = 0
      pause.textContent = 'Pause'
      pause.setAttribute('aria-pressed', 'false')
      tail.setAttribute('data-paused', 'false')
      tail.setAttribute('data-state', 'off')
      toggle.setAttribute('aria-pressed', 'false')
      toggle.textContent = 'Live tail'
      pause.hidden = true
      say('')
    }

    toggle.addEventListener('click', function () {
      if (source) return stop()
      source = new EventSource(tail.getAttribute('data-stream'))
      tail.setAttribute('data-state', 'connecting')
      toggle.setAttribute('aria-pressed', 'true')
      toggle.textContent = 'Stop live tail'
      pause.hidden = false
      say('Connecting…')
      source.onopen = function () {
        tail.setAttribute('data-state', 'live')
        say(paused ? heldText() : 'Live: new lines appear at the top')
      }
      source.onerror = function () {
        if (!source) return
        // CLOSED means the server refused the stream (signed out, say): EventSource gives up.
        if (source.readyState === EventSource.CLOSED) {
          stop()
          return say('The live tail was refused; reload the page to sign in again.')
        }
        tail.setAttribute('data-state', 'connecting')
        say('Connection lost, reconnecting…')
      }
      source.addEventListener('log', function (e) {
        var log = JSON.parse(e.data)
        if (!paused) return show(log)
        heldCount++
        held.push(log)
        if (held.length > maxKept) held.shift()
        say(heldText())
      })
      source.addEventListener('dropped', function (e) {
        dropped += JSON.parse(e.data).dropped
        droppedNote.textContent =
          'Dropped ' +
          dropped +
          (dropped === 1 ? ' line' : ' lines') +
          ': the tail could not keep up with this service.'
        droppedNote.hidden = false
      })
    })

    pause.addEventListener('click', function () {
      paused = !paused
      pause.textContent = paused ? 'Resume' : 'Pause'
      pause.setAttribute('aria-pressed', paused ? 'true' : 'false')
      tail.setAttribute('data-paused', paused ? 'true' : 'false')
      if (paused) return say(heldText())
      held.forEach(show)
      held = []
      heldCount = 0
      say('Live: new lines appear at the top')
    })
  }

  document.addEventListener('DOMContentLoaded', function () {
    var tail = document.getElementById('tail')
    if (tail) start(tail)
  })
})()
