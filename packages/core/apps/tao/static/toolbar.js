// tao's debug toolbar: the tab opens and closes the panel. A file under /static/, so the
// default Content-Security-Policy (script-src 'self', no inline scripts or handlers) allows it.
(function () {
  const bar = document.getElementById('tao-toolbar')
  if (bar === null) return
  const tab = bar.querySelector('.tao-toolbar-tab')
  const panel = bar.querySelector('.tao-toolbar-panel')
  if (tab === null || panel === null) return
  tab.addEventListener('click', function () {
    const open = panel.hidden
    panel.hidden = !open
    tab.setAttribute('aria-expanded', String(open))
  })
})()
