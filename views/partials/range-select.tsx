/** @jsxImportSource hono/jsx */
/** The time-range picker the Metrics, Logs and Events pages share. */

/** rangePresets are the time ranges offered. */
export const rangePresets = ['15m', '1h', '6h', '24h', '7d', '30d'] as const

/** RangeSelect is a labelled select of the range presets, named `name`, with `value` chosen. */
export function RangeSelect(props: { label: string; name: string; value: string }) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        {rangePresets.map((r) => (
          <option value={r} selected={props.value === r}>
            last {r}
          </option>
        ))}
      </select>
    </label>
  )
}
