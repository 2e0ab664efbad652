import { nextTimeStamp, notificationBody } from '@wmsi/contracts/testing';

type Fields = Record<string, unknown>;

/** A purchase order line as Acumatica's "WMS Purchase Orders" inquiry sends it (keys padded, as it does). */
export const poRow = (orderNbr: string, lineNbr: number, fields: Fields = {}): Fields => ({
  OrderType: 'Normal', OrderNbr: `${orderNbr} `, Status: 'Open', VendorID: 'V000001', VendorName: 'Acme Supplies Ltd.', Warehouse: 'MAIN ',
  LineNbr: lineNbr, InventoryID: lineNbr === 1 ? 'AALEGO500' : 'CONGRILL', LineDescription: lineNbr === 1 ? 'Lego 500 piece set' : 'Contact grill',
  UOM: 'EA', OrderQty: 10, ReceivedQty: 0, OpenQty: 10, ...fields,
});

/** An Open shipment line, ready to pick. */
export const shipmentRow = (shipmentNbr: string, lineNbr: number): Fields => ({
  ShipmentNbr: shipmentNbr, Type: 'Shipment', Status: 'Open', CustomerID: 'C000042', Warehouse: 'MAIN', ShipVia: 'UPSGROUND',
  LineNbr: lineNbr, OrderType: 'SO', OrderNbr: 'SO000417', InventoryID: lineNbr === 1 ? 'AALEGO500' : 'FOODCHICK', LineDescription: 'Picked for SO000417',
  UOM: 'EA', ShippedQty: 4 * lineNbr, Location: `R${lineNbr}S1`,
});

export const body = (query: string, fields: { inserted?: Fields[]; deleted?: Fields[]; id?: string }) => notificationBody({ query, timeStamp: nextTimeStamp(), ...fields });
