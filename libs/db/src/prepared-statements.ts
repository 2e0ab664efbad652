import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Runs every statement with parameters that a connection sends again and again as a named
 * (prepared) statement, up to `limit` distinct texts per connection; past it, unnamed as before.
 *
 * Why: the write engine's statements are long CTEs over jsonb parameters, planned at every call
 * when unnamed. In the bench at 100 notifications/s the workers' parse and bind (where an unnamed
 * statement is analysed and planned) took 47 % of their statement time in PostgreSQL. A prepared
 * statement is parsed once per connection, and after its first five runs PostgreSQL keeps a
 * generic plan when it costs no more than the custom ones, which holds for statements whose row
 * counts come from jsonb_to_recordset. The texts come from code (values travel as parameters),
 * so the distinct shapes are few: a topic's tables and the columns a batch sets.
 */
export function prepareRepeatedStatements(client: pg.ClientBase, limit: number): void {
  const names = new Map<string, string>();
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  const query = (text: unknown, values?: unknown, callback?: unknown): unknown => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = nameOf(names, text, limit);
      if (name !== undefined) return callback === undefined ? send({ name, text, values }) : send({ name, text, values }, callback);
    }
    return send(...[text, values, callback].filter((arg) => arg !== undefined));
  };
  client.query = query as pg.ClientBase['query'];
}

function nameOf(names: Map<string, string>, text: string, limit: number): string | undefined {
  const known = names.get(text);
  if (known !== undefined || names.size >= limit) return known;
  const name = `wmsi_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  names.set(text, name);
  return name;
}
