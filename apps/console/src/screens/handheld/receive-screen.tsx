import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { LiveNotice } from '../../components/live-notice';
import { useTRPC } from '../../trpc/react';
import { useDocumentFollower } from '../documents/use-document-follower';
import { LinePicker, lineForItem, type PickableLine } from './line-picker';
import { useOperationId, withOperationId } from './operation-id';
import { QuantityForm } from './quantity-form';
import { ScanField } from './scan-field';
import { useScannedItem } from './use-scanned-item';

/** Receiving at the dock: PO, scan an item, quantity, Receive; the open quantity follows live. */
export function ReceiveScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [orderType, setOrderType] = useState('Normal');
  const [orderNbr, setOrderNbr] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [notFound, setNotFound] = useState<string | null>(null);
  const [booked, setBooked] = useState<string | null>(null);
  const operation = useOperationId();
  // The booking on its way, by operation id: a second tap before the first answered sends nothing.
  const inFlight = useRef<string | null>(null);
  const qtyRef = useRef<HTMLInputElement>(null);
  const itemRef = useRef<HTMLInputElement>(null);
  const scannedItem = useScannedItem();

  const key = orderNbr === null ? null : { orderType, orderNbr };
  const po = useQuery({ ...trpc.receiving.purchaseOrder.queryOptions(key ?? { orderType, orderNbr: '-' }), enabled: key !== null });
  const follower = useDocumentFollower('purchase-orders', key);
  const lines: PickableLine[] = (po.data?.lines ?? []).map((line) => ({
    lineNbr: line.lineNbr,
    inventoryId: line.inventoryId,
    description: line.lineDescription,
    open: line.openToReceive,
    removed: line.removedAt !== null,
  }));
  const line = lines.find((l) => l.lineNbr === selected);

  const receive = useMutation(
    trpc.receiving.receive.mutationOptions({
      onSettled: () => (inFlight.current = null),
      onSuccess: (result, input) => {
        setBooked(`Received ${input.qty} × ${line?.inventoryId ?? ''} on line ${input.lineNbr}. Open now: ${result.openToReceive}.`);
        operation.renew();
        void queryClient.invalidateQueries({ queryKey: trpc.receiving.purchaseOrder.queryKey() });
        itemRef.current?.focus();
      },
    }),
  );

  const choose = (lineNbr: number) => {
    setSelected(lineNbr);
    // Another line is another booking.
    operation.renew();
    receive.reset();
    qtyRef.current?.focus();
  };

  return (
    <section aria-labelledby="receive-title" className="handheld-screen">
      <h1 id="receive-title">Receive</h1>
      <ScanField label="Order type" initial="Normal" onEnter={setOrderType} />
      <ScanField
        label="PO number"
        autoFocus
        onEnter={(nbr) => {
          setOrderNbr(nbr);
          setSelected(null);
          setBooked(null);
          receive.reset();
          itemRef.current?.focus();
        }}
      />
      {key !== null && <LiveNotice notice={follower.notice} live={follower.live} onDismiss={follower.dismiss} />}
      <ErrorNotice error={po.error} />
      {po.isSuccess && po.data === null && <p role="alert">No purchase order {orderType} {orderNbr}.</p>}
      {po.data && (
        <>
          <p className={po.data.status === 'Open' ? undefined : 'warn'}>
            {po.data.vendorName ?? po.data.vendorId} · {po.data.status} · {po.data.warehouse}
          </p>
          <ScanField
            ref={itemRef}
            label="Item"
            clearOnEnter
            onEnter={async (code) => {
              const inventoryId = await scannedItem(code, (id) => lineForItem(lines, id) !== undefined);
              const found = lineForItem(lines, inventoryId);
              setNotFound(found ? null : `${code} is not on this purchase order.`);
              if (found) choose(found.lineNbr);
            }}
          />
          {notFound && <p role="alert" className="error">{notFound}</p>}
          {line && (
            <p className="selected">
              Line {line.lineNbr}: {line.inventoryId} — open <strong>{line.open}</strong>
            </p>
          )}
          <QuantityForm
            ref={qtyRef}
            action="Receive"
            disabled={line === undefined}
            busy={receive.isPending}
            onBook={(qty) => {
              if (key === null || line === undefined) return;
              if (inFlight.current === operation.id) return;
              inFlight.current = operation.id;
              setBooked(null);
              receive.mutate(withOperationId({ ...key, lineNbr: line.lineNbr, qty }, operation.id));
            }}
          />
          <ErrorNotice error={receive.error} prefix="Not received" />
          {booked && (
            <p role="status" className="ok">
              {booked}
            </p>
          )}
          <LinePicker lines={lines} selected={selected} onSelect={choose} openLabel="Open" />
        </>
      )}
    </section>
  );
}
