import { spawnSync } from 'node:child_process';

/** One whole process, timed by GNU time. */
export interface ProcessMeasure {
  wallS: number;
  peakRssMb: number;
  /** User + system CPU seconds of every thread. */
  cpuS: number;
  stdout: string;
}

/** Runs a command under GNU time and returns wall seconds, peak RSS and its stdout. */
export function timed(args: string[]): ProcessMeasure {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const last = r.stderr.trim().split('\n').at(-1)!.split(' ');
  return { wallS: Number(last[0]), peakRssMb: Math.round(Number(last[1]) / 1024), cpuS: Number(last[2]) + Number(last[3]), stdout: r.stdout };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
