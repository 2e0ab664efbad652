import { TOPIC_TABLES, type TopicTables } from '@wmsi/db';

/** The item master: one record per stock item. */
export const stockItemTables = TOPIC_TABLES['stock-items'];

/** The topics the items worker applies. */
export const itemsTables: readonly TopicTables[] = [stockItemTables];

export { itemsRouter } from './router.js';
export { escapeLike, findLiveStockItemByBarcode, findStockItem, searchStockItems, type StockItem } from './stock-items.js';
