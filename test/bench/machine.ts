/** What the machine was doing: load averages, cores, memory, node — at the start and at the end. */
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';

export interface MachineLoad {
  at: string;
  loadavg: [number, number, number];
  freeMemMb: number;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  totalMemMb: number;
  node: string;
  os: string;
  rssMethod: string;
}

export function machine(rssMethod: string): Machine {
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    totalMemMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    os: `${process.platform} ${release()}`,
    rssMethod,
  };
}

export function load(): MachineLoad {
  const [a, b, c] = loadavg();
  return { at: new Date().toISOString(), loadavg: [a!, b!, c!], freeMemMb: Math.round(freemem() / 2 ** 20) };
}

export function describeMachine(m: Machine, before: MachineLoad, after: MachineLoad): string[] {
  const avg = (l: MachineLoad): string => l.loadavg.map((v) => v.toFixed(2)).join(' ');
  return [
    `machine: ${m.cpus} cpus (${m.cpuModel}), ${m.totalMemMb} MB, node ${m.node}, ${m.os}; peak RSS via ${m.rssMethod}`,
    `load average (1/5/15 min): ${avg(before)} at start, ${avg(after)} at end`,
  ];
}
