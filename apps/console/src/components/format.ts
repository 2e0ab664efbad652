/** Dates as a warehouse reads them: local, to the second. */
export function formatTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  return date.toLocaleString(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatAge(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** Type before number, as the ERP writes them; PostgreSQL's jsonb reorders a key's fields. */
const KEY_ORDER = ['orderType', 'type', 'orderNbr', 'shipmentNbr', 'referenceNbr', 'inventoryId', 'lineNbr'];
const rank = (field: string) => (KEY_ORDER.includes(field) ? KEY_ORDER.indexOf(field) : KEY_ORDER.length);

/** A document key as one line: "Normal PO000123", "SH000045". */
export function keyLabel(key: Record<string, unknown>): string {
  return Object.entries(key)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([, value]) => String(value))
    .join(' ');
}

/** Any value of a record as text: numbers and decimal strings exactly as they came. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (value instanceof Date) return formatTime(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
