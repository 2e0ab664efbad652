type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** A row as clients see it: the same fields, camelCase (`source_timestamp` -> `sourceTimestamp`). */
export type Dto<Row> = { [K in keyof Row as K extends string ? CamelCase<K> : K]: Row[K] };

export function toDto<Row extends Record<string, unknown>>(row: Row): Dto<Row> {
  const dto: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) dto[key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())] = value;
  return dto as Dto<Row>;
}
