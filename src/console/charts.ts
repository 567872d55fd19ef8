import { html, raw, type RawHtml } from '../web/html.ts'

/**
 * Stacked bar charts drawn on the server as SVG: no chart library, no script. Every number
 * and label goes through the escaping template; each bar has a <title> (the browser's tooltip)
 * and the figure a caption, so the chart reads without colours too.
 */
export interface ChartSeries {
  name: string
  color: string
}

export interface ChartBucket {
  /** Shown under every few bars and in each bar's tooltip. */
  label: string
  /** One value per series, in the series' order. */
  values: number[]
}

const WIDTH = 720
const HEIGHT = 200
const LEFT = 40
const BOTTOM = 24
const TOP = 8

export function stackedBars(o: { id: string; caption: string; series: ChartSeries[]; buckets: ChartBucket[]; labelEvery?: number }): RawHtml {
  const totals = o.buckets.map((b) => b.values.reduce((a, v) => a + v, 0))
  const max = niceMax(Math.max(0, ...totals))
  const plotHeight = HEIGHT - TOP - BOTTOM
  const step = (WIDTH - LEFT) / Math.max(1, o.buckets.length)
  const barWidth = Math.max(2, step * 0.72)
  const y = (v: number) => TOP + plotHeight - (v / max) * plotHeight
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const value = max * f
    return html`<line x1="${LEFT}" x2="${WIDTH}" y1="${y(value)}" y2="${y(value)}" stroke="#e3e5ea"/><text x="${LEFT - 4}" y="${y(value) + 4}" text-anchor="end">${value}</text>`
  })
  const every = o.labelEvery ?? 1
  const bars = o.buckets.map((b, i) => {
    const x = LEFT + i * step + (step - barWidth) / 2
    let base = 0
    const parts = b.values.map((v, s) => {
      if (v <= 0) return raw('')
      const top = y(base + v)
      const rect = html`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - top).toFixed(1)}" fill="${o.series[s]!.color}"><title>${b.label}: ${v} ${o.series[s]!.name}</title></rect>`
      base += v
      return rect
    })
    const label = i % every === 0 ? html`<text x="${(x + barWidth / 2).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle">${b.label}</text>` : raw('')
    return html`${parts}${label}`
  })
  const legend = o.series.map((s) => html`<span><i style="background:${s.color}"></i>${s.name}</span>`)
  return html`<figure id="${o.id}" style="margin:0"><svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${o.caption}">${grid}${bars}</svg>
<figcaption class="legend">${legend}</figcaption></figure>`
}

/** The axis maximum: four grid steps of 1, 2 or 5 × 10ⁿ, so every grid line is a whole number. */
function niceMax(value: number): number {
  const quarter = Math.max(1, value / 4)
  const magnitude = 10 ** Math.floor(Math.log10(quarter))
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((n) => n >= quarter)!
  return 4 * step
}

/** Distinct colours for failure codes, stable across pages (assigned by order of first appearance). */
export const PALETTE = ['#c62828', '#ef6c00', '#6a1b9a', '#1565c0', '#2e7d32', '#ad1457', '#00838f', '#5d4037', '#546e7a']
