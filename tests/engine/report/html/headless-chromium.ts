import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../../../support/temp-dir.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Runs Debian's Chromium headless on a local file with networking off. A missing browser fails the
 * test rather than skipping it: CI installs it (.ci/run), so absence is a broken environment.
 */
function chromium(file: string, args: readonly string[]): string {
  if (!existsSync(CHROMIUM)) assert.fail(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  const r = spawnSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Any host lookup fails, so a page that reached for the network would render visibly broken.
      '--host-resolver-rules=MAP * ~NOTFOUND',
      `--user-data-dir=${tempDir('chromium-profile-')}`,
      ...args,
      pathToFileURL(file).href,
    ],
    { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.error !== undefined) assert.fail(`${CHROMIUM} failed to start: ${r.error.message}`);
  if (r.status !== 0) assert.fail(`${CHROMIUM} exited with ${r.status ?? r.signal}:\n${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** The DOM after parsing and layout, serialised by the browser. */
export function dumpDom(file: string): string {
  return chromium(file, ['--dump-dom']);
}

export function screenshot(file: string, png: string, width: number, height: number): void {
  chromium(file, [`--screenshot=${png}`, `--window-size=${width},${height}`, '--hide-scrollbars']);
}
