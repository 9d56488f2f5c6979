// Files imported `with { type: 'text' }` arrive as strings.
declare module '*.css' {
  const text: string
  export default text
}
declare module '*.min.js' {
  const text: string
  export default text
}
declare module '*/static/app.js' {
  const text: string
  export default text
}
declare module '*.sql' {
  const text: string
  export default text
}
declare module '*.svg' {
  const text: string
  export default text
}
declare module '*.gz.b64' {
  const text: string
  export default text
}
declare module '*/static/metrics.js' {
  const text: string
  export default text
}
declare module '*/static/overlay.js' {
  const text: string
  export default text
}
declare module '*/static/logs.js' {
  const text: string
  export default text
}
declare module '*/static/incidents.js' {
  const text: string
  export default text
}
