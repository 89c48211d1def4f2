/** The machine a benchmark ran on, for BENCHMARKS.md: figures mean little without it. */
import os from 'node:os';

export function describeMachine(): string {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length} cores`,
    `- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node: ${process.version}`,
    `- Load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (shared machine: read ratios, not absolutes)`,
  ].join('\n');
}
