/**
 * Where a pipeline file came from: the git commit that last changed it, and whether the file now
 * differs from that commit. Asked of `git` when the file sits in a work tree and git is installed;
 * anything else (no git, not a repository, a file never committed) is simply "not known".
 */
import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';

export interface FileProvenance {
  /** The last commit that changed the file. */
  commit: string;
  /** The file has changes not in that commit (staged or not). */
  modified: boolean;
}

function git(args: string[], cwd: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: timeoutMs, windowsHide: true }, (err, stdout) =>
      resolve(err ? undefined : stdout.trim()),
    );
  });
}

export async function gitProvenance(path: string, timeoutMs = 3000): Promise<FileProvenance | undefined> {
  const cwd = dirname(path);
  const file = basename(path);
  const [commit, status] = await Promise.all([
    git(['log', '-1', '--format=%H', '--', file], cwd, timeoutMs),
    git(['status', '--porcelain', '--', file], cwd, timeoutMs),
  ]);
  if (!commit || !/^[0-9a-f]{40}$/.test(commit)) return undefined;
  return { commit, modified: status !== undefined && status !== '' };
}
