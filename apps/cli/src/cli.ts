import { parseArgs } from 'node:util';
import type { NotificationChecker } from '@wmsi/contracts';
import type { Database } from '@wmsi/db';
import type { IntakeKeys } from '@wmsi/queue';
import type { Redis } from 'ioredis';
import { createKey, listKeys, revokeKey, type WebhookSettings } from './commands/keys.js';
import { migrate } from './commands/migrate.js';
import { replay } from './commands/replay.js';
import { setup } from './commands/setup.js';
import { createToken, revokeTokenCommand } from './commands/tokens.js';
import { CommandError, UsageError, type Output } from './output.js';

export const USAGE = `Usage: npm run wmsi -- <command> [--json]

  migrate                        create the database if needed and apply migrations
  setup                          first run: one API key per topic, with the Acumatica settings
  keys create <topic> [--label <text>]
                                 issue an API key for a topic (printed once) and the SM302000 settings
  keys list                      every key: id, topic, active or revoked
  keys revoke <id>               refuse a key from now on
  tokens create --role <handheld|desktop|admin> --name <name>
                                 a client API token (printed once)
  tokens revoke <id>             refuse a client token from now on
  replay <quarantine id>         send a quarantined notification through again, once it passes
                                 the column contract with the current mapping

Topics: purchase-orders, stock-items, sales-orders, shipments, assembly-orders, inventory-adjustments.
With --json every command prints one JSON object instead.`;

/** What commands need, opened only when a command needs it (so `help` runs without any server). */
export interface CliContext {
  databaseUrl: string;
  settings: WebhookSettings;
  keys: IntakeKeys;
  db(): Promise<Database>;
  redis(): Promise<Redis>;
  /** The column contract with the configured mapping: what a replayed body must pass. */
  checkNotification: NotificationChecker;
}

export async function runCli(argv: string[], context: CliContext, out: Output): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      label: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, argument] = positionals;
  const stores = async () => ({ db: await context.db(), redis: await context.redis(), keys: context.keys });

  if (values.help || !command || command === 'help') {
    if (out.json) out.result({ usage: USAGE });
    else out.line(USAGE);
    return;
  }
  switch (`${command}${command === 'keys' || command === 'tokens' ? ` ${sub ?? ''}` : ''}`) {
    case 'migrate':
      return migrate(context.databaseUrl, await context.db(), out);
    case 'setup':
      return setup(await stores(), context.settings, out);
    case 'keys create':
      return createKey(await stores(), context.settings, out, argument, values.label ?? null);
    case 'keys list':
      return listKeys(await stores(), out);
    case 'keys revoke':
      return revokeKey(await stores(), out, argument);
    case 'tokens create':
      return createToken(await context.db(), out, values.role, values.name);
    case 'tokens revoke':
      return revokeTokenCommand(await context.db(), out, argument);
    case 'replay':
      return replay(await stores(), context.checkNotification, out, sub);
    default:
      throw new UsageError(`Unknown command "${positionals.join(' ')}".\n\n${USAGE}`);
  }
}

export { CommandError, UsageError };
