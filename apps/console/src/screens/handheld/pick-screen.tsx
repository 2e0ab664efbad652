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

/** Picking a shipment: shipment number, scan an item, quantity, Pick; follows the ERP live. */
export function PickScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [shipmentNbr, setShipmentNbr] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [notFound, setNotFound] = useState<string | null>(null);
  const [booked, setBooked] = useState<string | null>(null);
  const operation = useOperationId();
  // The booking on its way, by operation id: a second tap before the first answered sends nothing.
  const inFlight = useRef<string | null>(null);
  const qtyRef = useRef<HTMLInputElement>(null);
  const itemRef = useRef<HTMLInputElement>(null);
  const scannedItem = useScannedItem();

  const shipment = useQuery({ ...trpc.fulfillment.shipment.queryOptions({ shipmentNbr: shipmentNbr ?? '-' }), enabled: shipmentNbr !== null });
  const follower = useDocumentFollower('shipments', shipmentNbr === null ? null : { shipmentNbr });
  const lines: PickableLine[] = (shipment.data?.lines ?? []).map((l) => ({
    lineNbr: l.lineNbr,
    inventoryId: l.inventoryId,
    description: [l.lineDescription, l.location ? `at ${l.location}` : null].filter(Boolean).join(' '),
    open: l.openToPick,
    removed: l.removedAt !== null,
  }));
  const line = lines.find((l) => l.lineNbr === selected);

  const pick = useMutation(
    trpc.fulfillment.pick.mutationOptions({
      onSettled: () => (inFlight.current = null),
      onSuccess: (result, input) => {
        setBooked(`Picked ${input.qty} × ${line?.inventoryId ?? ''} on line ${input.lineNbr}. Left to pick: ${result.openToPick}.`);
        operation.renew();
        void queryClient.invalidateQueries({ queryKey: trpc.fulfillment.shipment.queryKey() });
        itemRef.current?.focus();
      },
    }),
  );

  const choose = (lineNbr: number) => {
    setSelected(lineNbr);
    operation.renew();
    pick.reset();
    qtyRef.current?.focus();
  };

  return (
    <section aria-labelledby="pick-title" className="handheld-screen">
      <h1 id="pick-title">Pick</h1>
      <ScanField
        label="Shipment number"
        autoFocus
        onEnter={(nbr) => {
          setShipmentNbr(nbr);
          setSelected(null);
          setBooked(null);
          pick.reset();
          itemRef.current?.focus();
        }}
      />
      {shipmentNbr !== null && <LiveNotice notice={follower.notice} live={follower.live} onDismiss={follower.dismiss} />}
      <ErrorNotice error={shipment.error} />
      {shipment.isSuccess && shipment.data === null && <p role="alert">No shipment {shipmentNbr}.</p>}
      {shipment.data && (
        <>
          <p className={shipment.data.status === 'Open' ? undefined : 'warn'}>
            {shipment.data.customerId} · {shipment.data.status} · {shipment.data.warehouse} · {shipment.data.shipVia}
          </p>
          <ScanField
            ref={itemRef}
            label="Item"
            clearOnEnter
            onEnter={async (code) => {
              const inventoryId = await scannedItem(code, (id) => lineForItem(lines, id) !== undefined);
              const found = lineForItem(lines, inventoryId);
              setNotFound(found ? null : `${code} is not on this shipment.`);
              if (found) choose(found.lineNbr);
            }}
          />
          {notFound && <p role="alert" className="error">{notFound}</p>}
          {line && (
            <p className="selected">
              Line {line.lineNbr}: {line.inventoryId} — to pick <strong>{line.open}</strong>
            </p>
          )}
          <QuantityForm
            ref={qtyRef}
            action="Pick"
            disabled={line === undefined}
            busy={pick.isPending}
            onBook={(qty) => {
              if (shipmentNbr === null || line === undefined) return;
              if (inFlight.current === operation.id) return;
              inFlight.current = operation.id;
              setBooked(null);
              pick.mutate(withOperationId({ shipmentNbr, lineNbr: line.lineNbr, qty }, operation.id));
            }}
          />
          <ErrorNotice error={pick.error} prefix="Not picked" />
          {booked && (
            <p role="status" className="ok">
              {booked}
            </p>
          )}
          <LinePicker lines={lines} selected={selected} onSelect={choose} openLabel="To pick" />
        </>
      )}
    </section>
  );
}
