/**
 * Preloaded into a measured child (`node --import`) when /usr/bin/time is not there: at exit, writes
 * the process's own peak RSS and CPU time to the file named by SLUICE_BENCH_RUSAGE.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.SLUICE_BENCH_RUSAGE;
delete process.env.SLUICE_BENCH_RUSAGE; // not for grandchildren
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, userUs: u.userCPUTime, sysUs: u.systemCPUTime }));
  });
}
