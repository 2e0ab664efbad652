import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { useTRPC } from '../../trpc/react';
import { useOperationId, withOperationId } from './operation-id';

/**
 * A cycle count: item, where, and the DIFFERENCE found against what the place should hold (+2 two
 * over, -1 one short), the same sign an ERP adjustment books.
 */
export function CountScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const operation = useOperationId();
  // The count on its way, by operation id: a second tap before the first answered sends nothing.
  const inFlight = useRef<string | null>(null);
  const [item, setItem] = useState('');
  const [itemInfo, setItemInfo] = useState<string | null>(null);
  const [warehouse, setWarehouse] = useState('MAIN');
  const [location, setLocation] = useState('');
  const [difference, setDifference] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [recorded, setRecorded] = useState<string | null>(null);
  const warehouseRef = useRef<HTMLInputElement>(null);
  const locationRef = useRef<HTMLInputElement>(null);
  const differenceRef = useRef<HTMLInputElement>(null);
  const itemRef = useRef<HTMLInputElement>(null);

  const record = useMutation(
    trpc.adjustments.recordCount.mutationOptions({
      onSettled: () => (inFlight.current = null),
      onSuccess: (_, input) => {
        setRecorded(`Recorded ${input.qty > 0 ? '+' : ''}${input.qty} of ${input.inventoryId} at ${input.warehouse}${input.location ? ` / ${input.location}` : ''}.`);
        operation.renew();
        setItem('');
        setItemInfo(null);
        setDifference('');
        itemRef.current?.focus();
      },
    }),
  );

  /** The scanned code as an item: by inventory id, else by barcode; fills in its default warehouse. */
  async function lookUpItem(event: FormEvent) {
    event.preventDefault();
    const code = item.trim();
    if (code === '') return;
    const found =
      (await queryClient.fetchQuery(trpc.items.get.queryOptions({ inventoryId: code }))) ??
      (await queryClient.fetchQuery(trpc.items.byBarcode.queryOptions({ barcode: code })));
    if (found) {
      setItem(found.inventoryId);
      setItemInfo(`${found.inventoryId}: ${found.description ?? ''}`);
      if (found.defaultWarehouse) setWarehouse(found.defaultWarehouse);
    } else setItemInfo(`${code} is not a known item; it can still be counted.`);
    locationRef.current?.focus();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const qty = Number(difference.replace(',', '.'));
    if (item.trim() === '' || warehouse.trim() === '') return setProblem('Item and warehouse are needed.');
    if (difference.trim() === '' || !Number.isFinite(qty)) return setProblem('The counted difference is a number: +2 over, -1 short, 0 right.');
    setProblem(null);
    if (inFlight.current === operation.id) return;
    inFlight.current = operation.id;
    setRecorded(null);
    record.mutate(withOperationId({ inventoryId: item.trim(), warehouse: warehouse.trim(), ...(location.trim() ? { location: location.trim() } : {}), qty }, operation.id));
  }

  // Every field but the last moves on with Enter, as a scanner sends it; the last records.
  const next = (ref: RefObject<HTMLInputElement | null>) => (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    ref.current?.focus();
  };

  return (
    <section aria-labelledby="count-title" className="handheld-screen">
      <h1 id="count-title">Count</h1>
      <form onSubmit={lookUpItem} className="scan">
        <label>
          Item
          <input ref={itemRef} autoFocus value={item} onChange={(e) => setItem(e.target.value)} autoComplete="off" enterKeyHint="next" />
        </label>
      </form>
      {itemInfo && <p>{itemInfo}</p>}
      <form onSubmit={submit} className="scan">
        <label>
          Warehouse
          <input ref={warehouseRef} value={warehouse} onChange={(e) => setWarehouse(e.target.value)} onKeyDown={next(locationRef)} autoComplete="off" />
        </label>
        <label>
          Location
          <input ref={locationRef} value={location} onChange={(e) => setLocation(e.target.value)} onKeyDown={next(differenceRef)} autoComplete="off" />
        </label>
        <label>
          Counted difference
          <input ref={differenceRef} value={difference} onChange={(e) => setDifference(e.target.value)} inputMode="decimal" autoComplete="off" placeholder="+2 over, -1 short" />
        </label>
        {problem && <p role="alert" className="error">{problem}</p>}
        <button type="submit" className="primary" disabled={record.isPending}>
          {record.isPending ? 'Recording…' : 'Record count'}
        </button>
      </form>
      <ErrorNotice error={record.error} prefix="Not recorded" />
      {recorded && (
        <p role="status" className="ok">
          {recorded}
        </p>
      )}
    </section>
  );
}
