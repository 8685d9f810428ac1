import type { ProgressEvent } from '../engine/progress.js';
import { log, logFormat } from './log.js';

/** A progress listener that can be told the command is over (the terminal display is then cleared). */
export interface ProgressReporter {
  (event: ProgressEvent): void;
  /** Stops drawing and clears the terminal display; idempotent. */
  close(): void;
}

/** How often a terminal display is redrawn, and how often plain or JSON lines repeat a phase's progress. */
const REDRAW_MS = 100;
const LINE_EVERY_MS = 5000;
const BAR_WIDTH = 20;

/**
 * Renders run progress on stderr:
 * - a terminal (text logs): one line per phase — a bar, done of total in the phase's unit (rows,
 *   accounts, files), the percentage, elapsed time and an ETA — redrawn in place at most every
 *   100 ms, with a total line when the previous run's timings give an ETA, cleared by `close()`;
 * - anything else (a log file, a pipe): plain timestamped lines, a phase's start and end and its
 *   progress at most every 5 s and at each new step (the table the load reads);
 * - `--log-format json`: the same as JSON records (`phase_start`, `progress`, `phase_end`);
 * - nothing with `enabled` false (`--quiet`).
 */
export function progressReporter(stream: NodeJS.WriteStream, enabled: boolean): ProgressReporter {
  let reporter: ProgressReporter;
  if (!enabled) reporter = Object.assign(() => undefined, { close: () => undefined });
  else if (logFormat() === 'json') reporter = lineReporter(true);
  else if (stream.isTTY === true) reporter = terminalReporter(stream);
  else reporter = lineReporter(false);
  return reporter;
}

/** One phase as the display knows it. */
interface PhaseState {
  key: string;
  event: ProgressEvent;
  started: number;
  ended: number | null;
  expectedMs: number | undefined;
  lastLine: number;
}

function keyOf(event: ProgressEvent): string {
  return event.run === undefined ? event.phase : `${event.run} ${event.phase}`;
}

function track(phases: Map<string, PhaseState>, event: ProgressEvent): PhaseState {
  const key = keyOf(event);
  let state = phases.get(key);
  if (state === undefined || event.state === 'start') {
    state = { key, event, started: performance.now(), ended: null, expectedMs: event.expectedMs, lastLine: 0 };
    phases.set(key, state);
  }
  // Keep what a later event leaves out (a detail-only event has no counts).
  state.event = { ...state.event, ...event };
  if (event.state === 'end') state.ended = performance.now();
  return state;
}

function terminalReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const phases = new Map<string, PhaseState>();
  const runStart = performance.now();
  let expectedTotalMs: number | undefined;
  let drawn = 0;
  let lastDraw = 0;
  let closed = false;
  const draw = (): void => {
    const now = performance.now();
    const lines = [...phases.values()].map((p) => phaseLine(p, now));
    if (expectedTotalMs !== undefined) {
      const elapsed = now - runStart;
      lines.push(`${'total'.padEnd(13)} ${formatMs(Math.round(elapsed))} elapsed · ETA ${formatMs(Math.max(0, Math.round(expectedTotalMs - elapsed)))} (the previous run took ${formatMs(expectedTotalMs)})`);
    }
    // A pseudo-terminal without a size (script, CI) reports 0 columns.
    const width = Math.max(40, (stream.columns > 0 ? stream.columns : 120) - 1);
    // Back to the first line of the display, then each line rewritten and cleared to its end.
    let out = drawn > 0 ? `\r\x1b[${drawn}A` : '\r';
    for (const line of lines) out += `\x1b[2K${line.slice(0, width)}\n`;
    stream.write(out);
    drawn = lines.length;
    lastDraw = now;
  };
  const reporter = (event: ProgressEvent): void => {
    if (closed) return;
    track(phases, event);
    expectedTotalMs ??= event.expectedTotalMs;
    if (event.state === 'progress' && performance.now() - lastDraw < REDRAW_MS) return;
    draw();
  };
  return Object.assign(reporter, {
    close() {
      if (closed) return;
      closed = true;
      // Up to the display's first line, and everything below it erased.
      if (drawn > 0) stream.write(`\r\x1b[${drawn}A\x1b[J`);
      drawn = 0;
    },
  });
}

function lineReporter(json: boolean): ProgressReporter {
  const phases = new Map<string, PhaseState>();
  const reporter = (event: ProgressEvent): void => {
    const detailBefore = phases.get(keyOf(event))?.event.detail;
    const state = track(phases, event);
    const now = performance.now();
    // A phase's progress at most every 5 s, and whenever it moves to another step (the load's next table).
    if (event.state === 'progress' && now - state.lastLine < LINE_EVERY_MS && (event.detail === undefined || event.detail === detailBefore)) return;
    state.lastLine = now;
    const e = state.event;
    const elapsedMs = Math.round((state.ended ?? now) - state.started);
    const counts = { done: e.done ?? null, total: e.total ?? null, unit: e.unit ?? null };
    if (json) {
      const name = event.state === 'start' ? 'phase_start' : event.state === 'end' ? 'phase_end' : 'progress';
      log('info', name, `${state.key} ${event.state}`, {
        phase: e.phase,
        ...(e.run === undefined ? {} : { run: e.run }),
        ...counts,
        elapsed_ms: elapsedMs,
        ...(e.detail === undefined ? {} : { detail: e.detail }),
        ...(event.state === 'start' && e.expectedMs !== undefined ? { expected_ms: e.expectedMs } : {}),
        ...(e.runId === undefined ? {} : { run_id: e.runId }),
      });
      return;
    }
    const stamp = new Date().toISOString();
    if (event.state === 'start') log('debug', 'phase_start', `${stamp} ${state.key} …${e.expectedMs === undefined ? '' : ` (the previous run: ${formatMs(e.expectedMs)})`}`);
    else if (event.state === 'end') log('debug', 'phase_end', `${stamp} ${state.key} done in ${formatMs(elapsedMs)}${amount(e) === '' ? '' : ` (${amount(e)})`}`);
    else log('debug', 'progress', `${stamp} ${state.key} ${amount(e)}${percent(e)} ${formatMs(elapsedMs)}${e.detail === undefined ? '' : ` · ${e.detail}`}`);
  };
  return Object.assign(reporter, { close: () => undefined });
}

/** `load [#####.....] 12,345/29,570,042 rows  42%  3.10 s  ETA 4.20 s  plays` */
function phaseLine(p: PhaseState, now: number): string {
  const e = p.event;
  const elapsed = Math.round((p.ended ?? now) - p.started);
  const fraction = e.total !== undefined && e.total > 0 && e.done !== undefined ? Math.min(1, e.done / e.total) : p.ended !== null ? 1 : 0;
  const filled = Math.round(BAR_WIDTH * fraction);
  const parts = [p.key.padEnd(13), `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`, amount(e), `${Math.floor(fraction * 100)}%`.padStart(4), formatMs(elapsed)];
  if (p.ended !== null) parts.push('done');
  else {
    const eta = phaseEta(fraction, elapsed, p.expectedMs);
    parts.push(eta === null ? 'ETA …' : `ETA ${formatMs(eta)}`);
    if (e.detail !== undefined) parts.push(e.detail);
  }
  return parts.join('  ');
}

/**
 * What is left of a phase: from its own rate once a tenth is done; before that from the previous
 * run's time for it; null when neither is known.
 */
export function phaseEta(fraction: number, elapsedMs: number, expectedMs: number | undefined): number | null {
  if (fraction >= 0.1) return Math.round((elapsedMs * (1 - fraction)) / fraction);
  if (expectedMs !== undefined) return Math.max(0, Math.round(expectedMs - elapsedMs));
  return null;
}

function amount(e: ProgressEvent): string {
  if (e.done === undefined) return '';
  const n = (v: number): string => v.toLocaleString('en-US');
  return e.total === undefined || e.total === 0 ? `${n(e.done)} ${e.unit ?? ''}`.trim() : `${n(e.done)}/${n(e.total)} ${e.unit ?? ''}`.trim();
}

function percent(e: ProgressEvent): string {
  return e.total !== undefined && e.total > 0 && e.done !== undefined ? ` ${Math.floor((100 * e.done) / e.total)}%` : '';
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}
