/** The six topics, as the API names them (the same list as the gateway's webhook paths). */
export const TOPICS = ['purchase-orders', 'stock-items', 'sales-orders', 'shipments', 'assembly-orders', 'inventory-adjustments'] as const;
export type Topic = (typeof TOPICS)[number];

export const TOPIC_NAMES: Record<Topic, string> = {
  'purchase-orders': 'Purchase order',
  'stock-items': 'Stock item',
  'sales-orders': 'Sales order',
  shipments: 'Shipment',
  'assembly-orders': 'Assembly order',
  'inventory-adjustments': 'Inventory adjustment',
};

export const isTopic = (value: string | null | undefined): value is Topic => TOPICS.includes(value as Topic);
