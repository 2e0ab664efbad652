/** The six Acumatica feeds WMSi listens to; each has its own webhook URL, API key and inquiry. */
export const TOPICS = [
  'purchase-orders',
  'stock-items',
  'sales-orders',
  'shipments',
  'assembly-orders',
  'inventory-adjustments',
] as const;
export type Topic = (typeof TOPICS)[number];

/** The warehouse areas; one worker per domain applies the changes of its topics. */
export const DOMAINS = ['receiving', 'fulfillment', 'items', 'adjustments'] as const;
export type Domain = (typeof DOMAINS)[number];

const DOMAIN_OF: Record<Topic, Domain> = {
  'purchase-orders': 'receiving',
  'stock-items': 'items',
  'sales-orders': 'fulfillment',
  shipments: 'fulfillment',
  'assembly-orders': 'fulfillment',
  'inventory-adjustments': 'adjustments',
};

/** The Generic Inquiry titles the project ships (docs/acumatica/inquiries); customers may rename them. */
export const DEFAULT_INQUIRY_TITLES: Record<Topic, string> = {
  'purchase-orders': 'WMS Purchase Orders',
  'stock-items': 'WMS Stock Items',
  'sales-orders': 'WMS Sales Orders',
  shipments: 'WMS Shipments',
  'assembly-orders': 'WMS Assembly Orders',
  'inventory-adjustments': 'WMS Inventory Adjustments',
};

const TOPIC_SET: ReadonlySet<string> = new Set(TOPICS);

export function isTopic(value: string): value is Topic {
  return TOPIC_SET.has(value);
}

export function domainOf(topic: Topic): Domain {
  return DOMAIN_OF[topic];
}

export function defaultInquiryTitle(topic: Topic): string {
  return DEFAULT_INQUIRY_TITLES[topic];
}

/** The topics one domain worker consumes, in TOPICS order. */
export function topicsOf(domain: Domain): Topic[] {
  return TOPICS.filter((topic) => DOMAIN_OF[topic] === domain);
}
