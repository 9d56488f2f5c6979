// vigil dashboard glue. Loaded in <head> without defer so the saved theme applies before the
// first paint; everything that needs the DOM waits for DOMContentLoaded.
;(function () {
  var root = document.documentElement
  var saved = null
  try {
    saved = localStorage.getItem('vigil-theme')
  } catch (e) {}
  var system =
    window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches
      ? 'dark'
      : 'light'
  // Resolved up front so the switch's icon is right; only a click stores a choice.
  root.setAttribute('data-theme', saved === 'light' || saved === 'dark' ? saved : system)

  function current() {
    return root.getAttribute('data-theme')
  }

  document.addEventListener('DOMContentLoaded', function () {
    var button = document.getElementById('theme-toggle')
    if (!button) return
    button.addEventListener('click', function () {
      var next = current() === 'dark' ? 'light' : 'dark'
      root.setAttribute('data-theme', next)
      try {
        localStorage.setItem('vigil-theme', next)
      } catch (e) {}
    })
  })
})()
