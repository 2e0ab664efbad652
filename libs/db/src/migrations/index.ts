import type { Migration, MigrationProvider } from 'kysely';
import * as apiKeys from './2026_11_26_0001_api_keys.js';
import * as quarantine from './2026_11_26_0002_quarantine.js';
import * as domainRecords from './2026_11_26_0003_domain_records.js';
import * as warehouseWork from './2026_11_26_0004_warehouse_work.js';
import * as exactFeed from './2026_11_29_0005_exact_feed.js';
import * as retention from './2026_11_29_0006_retention.js';
import * as horizonPlpgsql from './2026_11_29_0007_horizon_plpgsql.js';

/**
 * Every migration, by the name recorded in kysely_migration. Imported statically rather than found
 * by a folder scan, so the same list runs from source (tsx, vitest) and from a build.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '2026_11_26_0001_api_keys': apiKeys,
  '2026_11_26_0002_quarantine': quarantine,
  '2026_11_26_0003_domain_records': domainRecords,
  '2026_11_26_0004_warehouse_work': warehouseWork,
  '2026_11_29_0005_exact_feed': exactFeed,
  '2026_11_29_0006_retention': retention,
  '2026_11_29_0007_horizon_plpgsql': horizonPlpgsql,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};
