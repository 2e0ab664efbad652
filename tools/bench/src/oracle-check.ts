import { checkApi, checkDatabase, type Oracle } from '@wmsi/acumatica-sim';
import { createWmsClient } from '@wmsi/client';
import type { Database } from '@wmsi/db';
import type { OracleResult } from './report-model.js';

/** How many entries a CheckReport list stands for (it lists 20 and adds "(and N more)"). */
const countOf = (list: string[]) => list.reduce((n, item) => n + Number(/^\(and (\d+) more\)$/.exec(item)?.[1] ?? 1), 0);

/** The simulator's oracle against every record in PostgreSQL and a sample through the client API. */
export async function checkOracle(db: Database, apiUrl: string, token: string, oracle: Oracle): Promise<OracleResult> {
  const stored = await checkDatabase(db, oracle);
  const api = await checkApi(createWmsClient({ url: apiUrl, token }), oracle);
  return {
    checked: stored.checked,
    lost: countOf(stored.lost),
    wrong: stored.wrong.length,
    appliedTwice: stored.appliedTwice.length,
    apiChecked: api.checked,
    apiLost: countOf(api.lost),
    apiWrong: api.wrong.length,
    differences: [...stored.lost, ...stored.wrong, ...stored.appliedTwice, ...api.lost, ...api.wrong].slice(0, 20),
  };
}
