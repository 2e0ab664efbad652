import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { issueCredentials } from '@wmsi/acumatica-sim';
import { startStack, type Stack } from '@wmsi/stack';
import type { Topic } from '@wmsi/contracts';
import { createTestDatabase, type TestDatabase } from '@wmsi/db/testing';
import { testPrefix } from '@wmsi/queue/testing';
import { issueToken } from '@wmsi/trpc';
import type { Page } from 'playwright-core';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Where the screens' pictures go: docs/console (shown in the README) when UPDATE_SCREENSHOTS=1,
 * else .wmsi/console-screenshots, so a test run never edits the working tree.
 */
export const screenshotDir = process.env.UPDATE_SCREENSHOTS === '1' ? join(repoRoot, 'docs', 'console') : join(repoRoot, '.wmsi', 'console-screenshots');

/**
 * The whole of WMSi as `npm start` runs it (every app a process, the console built and served by
 * the API), on a database and key prefix of its own, with a column mapping file the test can fix,
 * an API key per topic and a token per role.
 */
export async function startConsoleStack() {
  await promisify(execFile)(process.execPath, [join(repoRoot, 'tools', 'bootstrap', 'build-console.mjs')]);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = testPrefix();
  const database: TestDatabase = await createTestDatabase();
  const scratch = mkdtempSync(join(tmpdir(), 'wmsi-console-e2e-'));
  const mappingFile = join(scratch, 'column-mapping.json');
  writeFileSync(mappingFile, '{}');
  let stack: Stack | undefined;
  try {
    const { keys } = await issueCredentials(database.db, redisUrl, prefix);
    const tokens = {
      desktop: (await issueToken(database.db, 'desktop', 'Lead, desk 2')).token,
      handheld: (await issueToken(database.db, 'handheld', 'Scanner 12, dock 3')).token,
      admin: (await issueToken(database.db, 'admin', 'Integrator')).token,
    };
    stack = await startStack({ databaseUrl: database.url, redisUrl, prefix, env: { COLUMN_MAPPING_FILE: mappingFile, PAIRING_WINDOW_MS: '1000', LOG_LEVEL: 'warn' } });
    const running = stack;
    mkdirSync(screenshotDir, { recursive: true });
    return {
      url: running.apiUrl,
      prefix,
      db: database.db,
      tokens,
      /** Posts a body to the gateway as Acumatica does, with the topic's key. */
      post: (topic: Topic, body: string) =>
        fetch(`${running.gatewayUrl}/webhooks/acumatica/${topic}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys[topic]! }, body }),
      /** A fixed column mapping, taken up as an operator would: write the file, restart what reads it. */
      async fixMapping(mapping: object, apps: Array<'api' | 'worker-items' | 'worker-receiving'>) {
        writeFileSync(mappingFile, JSON.stringify(mapping));
        for (const app of apps) {
          await running.stop(app);
          await running.start(app);
        }
      },
      output: running.output,
      async close() {
        await running.stopAll();
        await database.drop();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stack?.stopAll();
    await database.drop();
    throw error;
  }
}

export type ConsoleStack = Awaited<ReturnType<typeof startConsoleStack>>;

/** Signs in on the console's own sign-in screen, as a person would. */
export async function signIn(page: Page, stack: ConsoleStack, token: string, landsOn: string): Promise<void> {
  await page.goto(`${stack.url}/`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: landsOn }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
