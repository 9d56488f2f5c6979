// Live incident and remediation pages: an EventSource on the page's data-stream (incident or task
// events) says when something changed; the page then re-reads itself (as htmx would, with HX-Request, so only the content
// comes back) and swaps in every element marked data-live by its id. Forms being filled in are
// outside those elements and stay as they are; so does a live element holding the focus (a comment
// being typed), until the next change. A detail page reacts only to its own incident or task.
// No inline script: loaded from /static under the page's CSP.
;(function () {
  var pending = null

  function refresh() {
    pending = null
    fetch(location.href, { headers: { 'HX-Request': 'true' }, credentials: 'same-origin' })
      .then(function (res) {
        return res.ok ? res.text() : null
      })
      .then(function (html) {
        if (html === null) return
        var doc = new DOMParser().parseFromString(html, 'text/html')
        document.querySelectorAll('[data-live][id]').forEach(function (el) {
          var fresh = doc.getElementById(el.id)
          if (el.contains(document.activeElement) && document.activeElement !== document.body)
            return
          if (fresh) el.replaceWith(document.importNode(fresh, true))
        })
        var root = document.getElementById('incidents-live-status')
        if (root) root.setAttribute('data-refreshed', String(Date.now()))
      })
      .catch(function () {
        // The next change tries again.
      })
  }

  function start(url) {
    var heading = document.querySelector('h1[data-incident], h1[data-task]')
    var only = heading
      ? heading.getAttribute('data-incident') || heading.getAttribute('data-task')
      : null
    var status = document.createElement('p')
    status.id = 'incidents-live-status'
    status.className = 'muted'
    status.setAttribute('aria-live', 'polite')
    status.setAttribute('data-state', 'connecting')
    document.getElementById('content').appendChild(status)
    var source = new EventSource(url)
    source.onopen = function () {
      status.setAttribute('data-state', 'live')
      status.textContent = 'Live: changes appear as they happen.'
    }
    source.onerror = function () {
      status.setAttribute('data-state', 'connecting')
      status.textContent =
        source.readyState === EventSource.CLOSED
          ? 'Live updates stopped; reload the page.'
          : 'Connection lost, reconnecting…'
    }
    function changed(e) {
      var change = JSON.parse(e.data)
      if (only !== null && String(change.id) !== only) return
      // Several changes at once (a silence over many incidents) make one re-read.
      if (pending === null) pending = setTimeout(refresh, 150)
    }
    source.addEventListener('incident', changed)
    source.addEventListener('task', changed)
  }

  document.addEventListener('DOMContentLoaded', function () {
    var live = document.querySelector('[data-stream]')
    start(live ? live.getAttribute('data-stream') : '/dashboard/incidents/stream')
  })
})()
