import { REPORT_CSS } from '../../report/html/report-styles.js';

/** The report's stylesheet plus what only the preview draws: transition matrices, before/after bars, change colours. */
export const PREVIEW_CSS = `${REPORT_CSS}
:root { --before: #9aa4ae; --after: #2f6fb0; --up: #1e6b34; --down: #a2262e; }
.change.up { color: var(--up); } .change.down { color: var(--down); } .change.flat { color: var(--muted); }
.before-after .before, .swatch.before { fill: var(--before); background: var(--before); }
.before-after .after, .swatch.after { fill: var(--after); background: var(--after); }
table.matrix { width: auto; margin: 4px 0 12px; }
table.matrix th, table.matrix td { text-align: right; min-width: 78px; }
table.matrix tbody th { text-align: left; }
table.matrix td.same { color: var(--muted); }
table.matrix td.moved { font-weight: 650; }
table.matrix .corner { font-weight: 400; color: var(--muted); font-size: 12px; }
table.config-changes td.value { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
table.sample td.reason { width: 46%; }
table.sample td.row { font-size: 13px; }
.verdict.ok { color: var(--up); } .verdict.warned { color: var(--warn); background: var(--warn-bg); } .verdict.failed { color: var(--down); background: #fde7e9; }
`;
