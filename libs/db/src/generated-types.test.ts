import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedInTypesFile, dbLibRoot, generateDbTypes } from '../scripts/generate-types.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

let test: TestDatabase;
let scratchDir: string;
beforeAll(async () => {
  test = await createTestDatabase();
  scratchDir = await mkdtemp(join(tmpdir(), 'wmsi-db-codegen-'));
});
afterAll(async () => {
  await test?.drop();
  if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
});

describe('generated types', () => {
  it('the checked-in DB types match the migrated schema', async () => {
    const fresh = join(scratchDir, 'db.ts');
    await generateDbTypes(test.url, fresh);
    const expected = await readFile(fresh, 'utf8');
    const checkedIn = await readFile(checkedInTypesFile, 'utf8').catch(() => '');
    const file = relative(dbLibRoot, checkedInTypesFile);
    expect(checkedIn, `${file} is out of date${firstDifference(checkedIn, expected)}. Run \`npx nx run @wmsi/db:codegen\` and commit it.`).toBe(expected);
  });
});

function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const b = expected.split('\n');
  const line = b.findIndex((text, index) => a[index] !== text);
  const at = line === -1 ? b.length : line;
  return ` (first difference at line ${at + 1}: checked in ${JSON.stringify(a[at] ?? '<end of file>')}, migrations give ${JSON.stringify(b[at] ?? '<end of file>')})`;
}
