/** CPU time and peak memory of one phase, in the manifest's `resources`. */
export interface PhaseResources {
  /** CPU time of the whole process (main thread, workers and DuckDB's threads), user + system. */
  cpu_ms: number;
  /** The largest resident set size seen during the phase (sampled every 50 ms, and at its end). */
  peak_rss_bytes: number;
}

export interface RunResources {
  phases: Record<string, PhaseResources>;
  /** The process's peak RSS (getrusage ru_maxrss) when the run finished: the box a run needs. */
  peak_rss_bytes: number;
  cpu_ms: number;
}

const SAMPLE_MS = 50;

/** Measures each phase of a run in turn: CPU time between start and stop, and the RSS peak in between. */
export class ResourceMeter {
  private readonly phases: Record<string, PhaseResources> = {};
  private readonly cpuAtRunStart = process.cpuUsage();
  private cpuAtStart = process.cpuUsage();
  private peak = 0;
  private sampler: NodeJS.Timeout | null = null;

  start(): void {
    this.cpuAtStart = process.cpuUsage();
    this.peak = process.memoryUsage.rss();
    this.sampler = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage.rss());
    }, SAMPLE_MS);
    this.sampler.unref();
  }

  stop(phase: string): void {
    if (this.sampler !== null) clearInterval(this.sampler);
    this.sampler = null;
    const cpu = process.cpuUsage(this.cpuAtStart);
    this.phases[phase] = { cpu_ms: Math.round((cpu.user + cpu.system) / 1000), peak_rss_bytes: Math.max(this.peak, process.memoryUsage.rss()) };
  }

  /** Stops a phase left running (a failed or aborted run). */
  dispose(): void {
    if (this.sampler !== null) clearInterval(this.sampler);
    this.sampler = null;
  }

  report(): RunResources {
    const cpu = process.cpuUsage(this.cpuAtRunStart);
    return { phases: { ...this.phases }, peak_rss_bytes: process.resourceUsage().maxRSS * 1024, cpu_ms: Math.round((cpu.user + cpu.system) / 1000) };
  }
}
