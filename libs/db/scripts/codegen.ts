// Regenerates src/generated/db.ts from the migrations: migrate a scratch database, introspect it, drop it.
// Run with `npx nx run @wmsi/db:codegen` after adding a migration.
import { createTestDatabase } from '../src/testing/index.js';
import { checkedInTypesFile, generateDbTypes } from './generate-types.js';

const scratch = await createTestDatabase();
try {
  await generateDbTypes(scratch.url, checkedInTypesFile);
  console.log(`Wrote ${checkedInTypesFile}`);
} finally {
  await scratch.drop();
}
