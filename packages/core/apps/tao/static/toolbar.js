// tao's debug toolbar: the tab opens and closes the panel, the nav switches panels, Explain
// fetches the plan of one recorded command. A file under /static/, so the default
// Content-Security-Policy (script-src 'self', no inline scripts or handlers) allows it.
(function () {
  const bar = document.getElementById('tao-toolbar')
  if (bar === null) return
  const tab = bar.querySelector('.tao-toolbar-tab')
  const panel = bar.querySelector('.tao-toolbar-panel')
  if (tab !== null && panel !== null) {
    tab.addEventListener('click', function () {
      const open = panel.hidden
      panel.hidden = !open
      tab.setAttribute('aria-expanded', String(open))
    })
  }
  const buttons = bar.querySelectorAll('[data-tao-panel]')
  const sections = bar.querySelectorAll('[data-tao-section]')
  buttons.forEach(function (button) {
    button.addEventListener('click', function () {
      const name = button.getAttribute('data-tao-panel')
      buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b === button)) })
      sections.forEach(function (s) { s.hidden = s.getAttribute('data-tao-section') !== name })
    })
  })
  bar.querySelectorAll('[data-tao-explain]').forEach(function (button) {
    button.addEventListener('click', function () {
      const out = button.closest('tr').nextElementSibling.querySelector('[data-tao-explain-out]')
      out.hidden = false
      out.textContent = 'Running explain…'
      fetch(button.getAttribute('data-tao-explain'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (res) { return res.text() })
        .then(function (text) { out.textContent = text })
        .catch(function (err) { out.textContent = 'explain failed: ' + err })
    })
  })
})()
