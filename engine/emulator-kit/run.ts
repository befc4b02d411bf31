/**
 * The standalone run of an emulator (`sluice emulate <name>`): start it, arm the faults its command
 * line gave (a bad one closes it again and throws), print its banner, then run until SIGINT or
 * SIGTERM and close — or, with `detach` (tests), return it running.
 */
export interface RunOptions {
  /** Where the banner goes, line by line; default stdout. */
  out?: (line: string) => void;
  /** Resolve once started instead of waiting for SIGINT/SIGTERM (tests close it themselves). */
  detach?: boolean;
}

export interface RunnableEmulator<S> {
  faults: { add(spec: S): unknown };
  close(): Promise<void>;
}

export interface EmulatorRun<E, S> {
  start(): Promise<E>;
  /** Faults armed from the start (`--fault`). */
  faults?: readonly S[];
  banner(emulator: E): string[];
}

export async function runEmulator<S, E extends RunnableEmulator<S>>(
  how: EmulatorRun<E, S>,
  run: RunOptions = {},
): Promise<E> {
  const emulator = await how.start();
  try {
    for (const fault of how.faults ?? []) emulator.faults.add(fault);
  } catch (err) {
    await emulator.close();
    throw err;
  }
  const out = run.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  for (const line of how.banner(emulator)) out(line);
  if (run.detach) return emulator;
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await emulator.close();
  return emulator;
}
