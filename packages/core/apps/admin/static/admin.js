// tao admin: small progressive enhancements. Every page works without them (no inline script:
// the CSP allows scripts from 'self' only).
'use strict'

function selectAll () {
  for (const box of document.querySelectorAll('[data-select-all]')) {
    const table = box.closest('table')
    const rows = () => table.querySelectorAll('tbody input[name="_selected"]')
    box.hidden = false
    box.addEventListener('change', () => { for (const r of rows()) r.checked = box.checked })
    table.addEventListener('change', (e) => {
      if (e.target === box) return
      const all = [...rows()]
      box.checked = all.length > 0 && all.every((r) => r.checked)
    })
  }
}

// A list field renders one empty input after its values; this adds a button for more.
function listEditors () {
  for (const editor of document.querySelectorAll('[data-list-editor]')) {
    const add = document.createElement('button')
    add.type = 'button'
    add.textContent = 'Add item'
    add.addEventListener('click', () => {
      const items = editor.querySelectorAll('.list-item')
      const last = items[items.length - 1]
      const copy = last.cloneNode(true)
      const input = copy.querySelector('input, select')
      input.value = ''
      input.setAttribute('aria-label', input.getAttribute('aria-label').replace(/\d+$/, String(items.length + 1)))
      last.after(copy)
      input.focus()
    })
    editor.append(add)
  }
}

// JSON editors say at once whether their text parses (the server parses it again, as
// Extended JSON, and has the last word).
function jsonEditors () {
  for (const area of document.querySelectorAll('[data-json-editor]')) {
    const status = document.createElement('p')
    status.className = 'json-status'
    status.setAttribute('aria-live', 'polite')
    area.after(status)
    const check = () => {
      if (area.value.trim() === '') { status.textContent = ''; return }
      try {
        JSON.parse(area.value)
        status.textContent = 'Valid JSON'
        status.classList.remove('bad')
      } catch (err) {
        status.textContent = 'Not valid JSON yet: ' + err.message
        status.classList.add('bad')
      }
    }
    area.addEventListener('input', check)
  }
}

document.addEventListener('DOMContentLoaded', () => {
  selectAll()
  listEditors()
  jsonEditors()
})
