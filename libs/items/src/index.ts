import { topicTables, type TopicTables } from '@wmsi/changes';

/** The item master: one record per stock item. */
export const stockItemTables = topicTables('stock-items', { document: 'stock_items' });

/** The topics the items worker applies. */
export const itemsTables: readonly TopicTables[] = [stockItemTables];

export { itemsRouter } from './router.js';
export { escapeLike, findLiveStockItemByBarcode, findStockItem, searchStockItems, type StockItem } from './stock-items.js';
