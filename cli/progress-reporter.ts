import type { ProgressEvent } from '../engine/progress.js';

/**
 * Renders run progress: a redrawn bar line per phase on a terminal, plain lines otherwise
 * (logs, CI), or nothing when the caller wants only the JSON summary.
 */
export function progressReporter(stream: NodeJS.WriteStream, enabled: boolean): (event: ProgressEvent) => void {
  if (!enabled) return () => undefined;
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  return (event) => {
    if (event.state === 'end') {
      if (tty) stream.write('\r\x1b[2K');
      stream.write(`${label(event)} done in ${formatMs(event.elapsedMs ?? 0)}\n`);
      return;
    }
    if (!tty) {
      if (event.state === 'start') stream.write(`${label(event)} …\n`);
      return;
    }
    const now = Date.now();
    if (event.state === 'progress' && now - lastDraw < 100) return;
    lastDraw = now;
    stream.write(`\r\x1b[2K${label(event)} ${bar(event)} ${event.detail ?? ''}`);
  };
}

/** The phase, after the run it belongs to when a command makes several. */
function label(event: ProgressEvent): string {
  return (event.run === undefined ? event.phase : `${event.run} ${event.phase}`).padEnd(9);
}

function bar(event: ProgressEvent): string {
  const width = 24;
  if (event.total !== undefined && event.total > 0 && event.done !== undefined) {
    const filled = Math.round((width * event.done) / event.total);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.done}/${event.total}`;
  }
  return event.done !== undefined ? `${event.done.toLocaleString('en-US')} rows` : '';
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}
