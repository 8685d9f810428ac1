/**
 * The report's whole stylesheet, inlined so the page needs nothing from the network. Fonts are
 * the reader's own (system-ui with common fallbacks).
 */
export const REPORT_CSS = `
:root { --sent: #2f6fb0; --holdout: #9aa4ae; --warn-bg: #fff1d6; --warn: #8a5a00; --open-bg: #e8e4fb; --open: #4b3a99; --ink: #1d2329; --muted: #5f6b76; --line: #dde2e7; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f6f8; color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h1 .range { font-weight: 400; color: var(--muted); }
h2 { font-size: 18px; margin: 0 0 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta, .explain { color: var(--muted); margin: 0 0 12px; }
section.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0; break-inside: avoid; }
.headline { display: grid; grid-template-columns: 1.3fr 1.3fr 1fr 1fr 1fr; gap: 12px; margin: 16px 0 8px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; margin: 2px 0; }
.card[data-figure="relative-lift"] { border-left: 5px solid var(--sent); }
.card[data-figure="relative-lift"] .value { font-size: 34px; color: var(--sent); }
.sub { color: var(--muted); font-size: 12px; font-weight: 400; }
.verdict { font-size: 15px; font-weight: 600; margin: 8px 0; padding: 8px 12px; border-radius: 6px; background: #fff; border: 1px solid var(--line); }
.verdict.up { color: #1e6b34; } .verdict.down { color: #a2262e; } .verdict.weak { color: var(--warn); background: var(--warn-bg); }
.notice { margin: 8px 0; padding: 8px 12px; border-radius: 6px; }
.notice.open { background: var(--open-bg); color: var(--open); }
.notice.missing { background: #eceff2; color: #3b444c; }
.notice.warning { background: var(--warn-bg); color: var(--warn); border: 1px solid #f0c36d; }
.arms-note { color: var(--muted); font-size: 13px; margin: 8px 0; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; line-height: 1.5; padding: 0 7px; border-radius: 9px; white-space: nowrap; text-transform: none; letter-spacing: 0; }
.badge.too-few { background: var(--warn-bg); color: var(--warn); border: 1px solid #f0c36d; }
.badge.window-open { background: var(--open-bg); color: var(--open); border: 1px solid #b9aef0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th, thead th.num { white-space: normal; vertical-align: bottom; font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
tbody th { font-weight: 600; }
.num { text-align: right; white-space: nowrap; }
td.na { color: var(--muted); }
tr.unreliable td.num:not(.na) { color: var(--muted); }
tr.missing th, .missing-note { color: var(--muted); font-style: italic; font-weight: 400; }
tfoot tr.total th, tfoot tr.total td { border-top: 2px solid var(--ink); border-bottom: 0; font-weight: 600; }
.run-id { font: 400 10px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); }
table.dates { font-size: 13px; }
td.bars { vertical-align: middle; }
/* Fixed columns line the four breakdown tables up under each other. */
table[data-breakdown] { table-layout: fixed; }
table[data-breakdown] th:first-child { width: 20%; }
table[data-breakdown] th:last-child { width: 200px; }
.rate-bars .sent, .swatch.sent { fill: var(--sent); background: var(--sent); }
.rate-bars .holdout, .swatch.holdout { fill: var(--holdout); background: var(--holdout); }
.key-sent { color: var(--sent); font-weight: 700; } .key-holdout { color: #6d7883; font-weight: 700; }
.chip { display: inline-block; background: #eef2f6; border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; margin: 0 4px 2px 0; }
td.share { width: 30%; vertical-align: middle; }
.share-bar { display: block; height: 10px; background: var(--sent); border-radius: 2px; min-width: 1px; }
.lead { margin: 4px 0 10px; }
.empty { color: var(--muted); font-style: italic; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 6px 0 4px; font-size: 13px; }
.legend-item { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
.swatch.point { border-radius: 50%; background: var(--sent); }
.swatch.point.insufficient { background: #fff; border: 2px solid #b08a3a; }
.swatch.point.window-open { background: #fff; border: 2px solid var(--sent); box-shadow: 0 0 0 4px var(--open-bg); }
.swatch.band-missing { background: #eceff2; border: 1px solid #d5dbe0; }
svg.chart { display: block; width: 100%; height: auto; font-size: 12px; }
svg.chart .grid { stroke: #e9edf0; } svg.chart .grid.zero { stroke: #6d7883; stroke-width: 1.5; }
svg.chart .axis { stroke: #9aa4ae; }
svg.chart .tick { fill: var(--muted); }
svg.chart .band.open { fill: var(--open-bg); fill-opacity: .6; } svg.chart .band.missing { fill: #eceff2; fill-opacity: .8; }
svg.chart .note { font-size: 11px; } svg.chart .note.missing { fill: #9aa4ae; font-style: italic; } svg.chart .note.open { fill: var(--open); font-weight: 600; }
.lift-point .whisker, .lift-point .cap, .lift-point .clip { stroke: var(--sent); stroke-width: 2; fill: none; }
.lift-point circle { fill: var(--sent); stroke: var(--sent); stroke-width: 2; }
.lift-point.window-open circle { fill: #fff; }
.lift-point.insufficient .whisker { stroke: #b08a3a; stroke-dasharray: 3 2; }
.lift-point.insufficient .cap, .lift-point.insufficient .clip { stroke: #b08a3a; }
.lift-point.insufficient circle { fill: #fff; stroke: #b08a3a; }
.point-label { font-size: 11px; font-weight: 600; fill: var(--ink); }
.lift-point.insufficient .point-label { fill: #b08a3a; }
.lift-na { fill: #9aa4ae; font-size: 11px; font-style: italic; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
@media print { body { background: #fff; } section.panel { border: 0; padding: 0; } }
`;
