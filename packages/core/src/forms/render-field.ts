import { escapeHtml } from '../server/negotiate.js'
import type { FormField } from './form-fields.js'

/** What one control is drawn with: the field, the text it shows, its error. */
export interface FieldState {
  field: FormField
  value: string | string[]
  error: string | undefined
  /** Prefix of element ids, so two forms on a page do not collide (default 'id'). */
  idPrefix: string
}

/** Options of a field's rendering in a template: `form.field('title', { label: 'Heading' })`. */
export interface RenderFieldOptions {
  label?: string
  widget?: FormField['widget']
  /** Extra attributes of the control (`{ placeholder: '…', autocomplete: 'off' }`), escaped. */
  attrs?: Record<string, string | number | boolean>
  /** Class of the wrapping element (default 'field'). */
  class?: string
}

const e = escapeHtml

function attrs (list: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(list)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? ` ${e(k)}` : ` ${e(k)}="${e(v)}"`))
    .join('')
}

function control (s: FieldState, widget: string, common: Record<string, string | number | boolean | undefined>): string {
  const { field } = s
  const one = Array.isArray(s.value) ? s.value[s.value.length - 1] ?? '' : s.value
  const many = Array.isArray(s.value) ? s.value : s.value === '' ? [] : [s.value]
  switch (widget) {
    case 'textarea':
      return `<textarea${attrs(common)}>${e(one)}</textarea>`
    case 'checkbox':
      return `<input type="checkbox"${attrs({ ...common, value: 'on', checked: ['true', 'on', '1', 'yes'].includes(one), required: undefined })}>`
    case 'select': {
      const blank = field.required ? '' : '<option value=""></option>'
      const options = field.choices.map((c) => `<option value="${e(c.value)}"${c.value === one ? ' selected' : ''}>${e(c.label)}</option>`)
      return `<select${attrs(common)}>${blank}${options.join('')}</select>`
    }
    case 'checkboxes':
      return field.choices.map((c, i) => {
        const id = `${String(common.id)}_${i}`
        return `<label for="${e(id)}"><input type="checkbox"${attrs({ ...common, id, value: c.value, checked: many.includes(c.value), required: undefined })}> ${e(c.label)}</label>`
      }).join('')
    default:
      return `<input type="${e(widget)}"${attrs({ ...common, value: one })}>`
  }
}

/**
 * The HTML of one field: its label, its control with the value kept, its error beside it
 * (`aria-invalid` and `aria-describedby` pointing at it) and its help. Every text is escaped.
 */
export function renderField (s: FieldState, opts: RenderFieldOptions = {}): string {
  const { field, error } = s
  const id = `${s.idPrefix}_${field.name}`
  const widget = opts.widget ?? field.widget
  const described = [error ? `${id}_error` : '', field.help ? `${id}_help` : ''].filter(Boolean).join(' ')
  const common = {
    id,
    name: field.name,
    required: field.required,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': described || undefined,
    ...opts.attrs,
  }
  const label = e(opts.label ?? field.label)
  const body = widget === 'checkbox'
    ? `${control(s, widget, common)} <label for="${e(id)}">${label}</label>`
    : widget === 'checkboxes'
      ? `<fieldset><legend>${label}</legend>${control(s, widget, common)}</fieldset>`
      : `<label for="${e(id)}">${label}</label>${control(s, widget, common)}`
  const errorHtml = error ? `<p class="field-error" id="${e(id)}_error">${e(error)}</p>` : ''
  const help = field.help ? `<p class="field-help" id="${e(id)}_help">${e(field.help)}</p>` : ''
  const cls = `${opts.class ?? 'field'}${error ? ' field--invalid' : ''}`
  return `<div class="${e(cls)}">${body}${errorHtml}${help}</div>`
}
