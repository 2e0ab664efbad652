import { useCallback, useState } from 'react';

/**
 * A client operation id (1-100 characters) for one booking. crypto.randomUUID exists only on
 * https or localhost; a handheld on http://wms:3001 still has getRandomValues.
 */
export function newOperationId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The one place a warehouse action's input gets its operation id. The API books a retry with the
 * same id once (receive, pick, recordCount take `operationId`); an API without it yet drops the
 * unknown field, so sending it is harmless either way.
 */
export function withOperationId<Input extends object>(input: Input, operationId: string): Input {
  return { ...input, operationId };
}

/**
 * The operation id of the booking being prepared: the same for every send of it (a double tap, a
 * retry after a dropped connection), a new one once it was booked or the booking changed.
 */
export function useOperationId() {
  const [id, setId] = useState(newOperationId);
  const renew = useCallback(() => setId(newOperationId()), []);
  return { id, renew };
}
