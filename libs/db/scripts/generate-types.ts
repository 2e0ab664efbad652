import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The library's own folder, whatever the current directory of the caller. */
export const dbLibRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The checked-in file every query in the code base is typed against. */
export const checkedInTypesFile = join(dbLibRoot, 'src', 'generated', 'db.ts');

/**
 * Runs the kysely-codegen CLI against a migrated database. The CI check and the `codegen` target both
 * call this, so the two can only disagree when the schema really changed.
 */
export async function generateDbTypes(databaseUrl: string, outFile: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('kysely-codegen/package.json');
  const { bin } = require(packageJson) as { bin: Record<string, string> };
  const cli = join(dirname(packageJson), bin['kysely-codegen']);
  const args = [
    cli,
    '--dialect',
    'postgres',
    '--url',
    databaseUrl,
    // Kysely's own bookkeeping is not part of the application's schema.
    '--exclude-pattern',
    'kysely_migration*',
    '--log-level',
    'error',
    '--out-file',
    outFile,
  ];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: dbLibRoot });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`kysely-codegen failed against ${databaseUrl}${stderr ? `:\n${stderr}` : ''}`, { cause: error });
  }
}
