/** `sluice users add|remove|passwd|list`: local accounts of the finance page (sluice serve). */
import type { Command } from 'commander';
import { ConfigError } from '../../engine/errors.js';
import { addGlobalOptions, write, type CliIo, type GlobalOptions } from './common.js';
import { withState } from './ops-common.js';

const usersOps = () => import('../../engine/auth/users.js');
const actorOf = async (by?: string) => (await import('../../engine/ops/actor.js')).actor(by);

interface UserOptions extends GlobalOptions {
  role?: string;
  by?: string;
  json?: boolean;
}

/** The password: piped on stdin (never an argument: it would show in `ps` and the shell history). */
async function readPassword(io: CliIo, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((stdin as { isTTY?: boolean }).isTTY)
    throw new ConfigError(
      'PASSWORD_WEAK',
      'pipe the password on standard input, e.g. printf %s "$PASSWORD" | sluice users add NAME --role viewer',
    );
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  void io;
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function usersCommands(program: Command, io: CliIo): void {
  const users = program.command('users').description('accounts of the finance page (sluice serve) and their roles');
  addGlobalOptions(
    users
      .command('add')
      .description('add a user; the password is read from standard input')
      .argument('<name>', 'user name')
      .requiredOption(
        '--role <role>',
        'viewer (reads), operator (also re-syncs and resolves) or approver (also approves plans)',
      )
      .option('--by <name>', 'who adds it (default: the OS user; kept in the audit trail)'),
  ).action((name: string, opts: UserOptions) =>
    withState('users add', opts, io, async (state) => {
      const { addUser, parseRole } = await usersOps();
      const role = parseRole(opts.role ?? '');
      await addUser(state, { username: name, role, password: await readPassword(io), by: await actorOf(opts.by) });
      write(io.stdout, `added ${name} (${role})\n`);
    }),
  );
  addGlobalOptions(
    users
      .command('passwd')
      .description('set a user’s password (read from standard input), and optionally the role; ends their sessions')
      .argument('<name>', 'user name')
      .option('--role <role>', 'a new role: viewer, operator or approver')
      .option('--by <name>', 'who changes it (default: the OS user)'),
  ).action((name: string, opts: UserOptions) =>
    withState('users passwd', opts, io, async (state) => {
      const { setPassword, parseRole } = await usersOps();
      const role = opts.role !== undefined ? parseRole(opts.role) : undefined;
      await setPassword(state, {
        username: name,
        password: await readPassword(io),
        ...(role && { role }),
        by: await actorOf(opts.by),
      });
      write(io.stdout, `password of ${name} changed${role ? `, role ${role}` : ''}\n`);
    }),
  );
  addGlobalOptions(
    users
      .command('remove')
      .description('remove a user and end their sessions')
      .argument('<name>', 'user name')
      .option('--by <name>', 'who removes it (default: the OS user)'),
  ).action((name: string, opts: UserOptions) =>
    withState('users remove', opts, io, async (state) => {
      const { removeUser } = await usersOps();
      await removeUser(state, { username: name, by: await actorOf(opts.by) });
      write(io.stdout, `removed ${name}\n`);
    }),
  );
  addGlobalOptions(users.command('list').description('list users and roles').option('--json', 'JSON output')).action(
    (opts: UserOptions) =>
      withState('users list', opts, io, async (state) => {
        const list = await (await usersOps()).listUsers(state);
        if (opts.json) write(io.stdout, JSON.stringify(list, null, 2) + '\n');
        else if (list.length === 0) write(io.stdout, 'no users yet (sluice users add NAME --role viewer)\n');
        else
          for (const u of list) write(io.stdout, `${u.username.padEnd(24)} ${u.role.padEnd(9)} since ${u.createdAt}\n`);
      }),
  );
}
