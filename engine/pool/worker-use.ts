import type { ShardRunner, WorkerUsage } from './shard-runner.js';

/** How much of a phase's wall time the workers sat idle, and how long only the main thread ran. */
export interface PhaseWorkerUse {
  /** 1 − busy worker-time ÷ (threads × phase wall); 1 when there are no workers. */
  idle_share: number;
  /** Milliseconds of the phase in which no worker ran a task. */
  main_thread_only_ms: number;
}

export interface WorkerUseReport {
  threads: number;
  phases: Record<string, PhaseWorkerUse>;
  /** Over the whole run: milliseconds in which no worker ran a task. */
  main_thread_only_ms: number;
}

/** Measures worker use per phase from the runner's busy clock (recorded in the manifest). */
export class WorkerUseMeter {
  private phaseStart = 0;
  private usageAtStart: WorkerUsage = { busyMs: 0, noTaskMs: 0 };
  private readonly phases: Record<string, PhaseWorkerUse> = {};

  constructor(private readonly runner: ShardRunner) {}

  start(): void {
    this.phaseStart = performance.now();
    this.usageAtStart = this.runner.usage();
  }

  stop(phase: string): void {
    const wall = performance.now() - this.phaseStart;
    const u = this.runner.usage();
    const busy = u.busyMs - this.usageAtStart.busyMs;
    const threads = this.runner.threads;
    const idle = threads === 0 || wall <= 0 ? 1 : Math.max(0, 1 - busy / (threads * wall));
    this.phases[phase] = { idle_share: Math.round(idle * 1000) / 1000, main_thread_only_ms: Math.round(u.noTaskMs - this.usageAtStart.noTaskMs) };
  }

  report(): WorkerUseReport {
    return { threads: this.runner.threads, phases: this.phases, main_thread_only_ms: Math.round(this.runner.usage().noTaskMs) };
  }
}
