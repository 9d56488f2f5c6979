/**
 * The annotation templates: `{{ $value }}`, `{{ $labels.host }}` and `{{ $labels }}` (Prometheus's
 * `.Value` and `.Labels.host` spell the same). No code runs: a reference is looked up or renders
 * empty, and any other text between braces renders empty too. Pure.
 */

/** TemplateData is what a template can refer to. */
export interface TemplateData {
  value: number | null
  labels: Record<string, string>
}

const reference = /\{\{-?\s*([^{}]*?)\s*-?\}\}/g

/** formatValue prints a value: whole numbers as they are, others to 4 significant digits. */
export function formatValue(value: number | null): string {
  if (value === null) return ''
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf'
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value)
  return String(Number(value.toPrecision(4)))
}

function formatLabels(labels: Record<string, string>): string {
  const inner = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
  return `{${inner.join(', ')}}`
}

function lookup(ref: string, data: TemplateData): string {
  if (ref === '$value' || ref === '.Value') return formatValue(data.value)
  if (ref === '$labels' || ref === '.Labels') return formatLabels(data.labels)
  const label = /^(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref)
  if (label) return data.labels[label[1]!] ?? ''
  return ''
}

/** render fills in the references of one template. */
export function render(template: string, data: TemplateData): string {
  return template.replace(reference, (_, ref: string) => lookup(ref, data))
}

/** renderAll fills in every value of a map of templates. */
export function renderAll(
  templates: Record<string, string>,
  data: TemplateData,
): Record<string, string> {
  return Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, render(v, data)]))
}
