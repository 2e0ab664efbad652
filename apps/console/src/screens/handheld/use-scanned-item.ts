import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc/react';

/**
 * What a scan names: the code itself when it is an inventory id on the document, else the item
 * whose barcode it is (asked of the API). Returns the inventory id to look for.
 */
export function useScannedItem() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async (code: string, isOnDocument: (inventoryId: string) => boolean): Promise<string> => {
    if (isOnDocument(code)) return code;
    const item = await queryClient.fetchQuery(trpc.items.byBarcode.queryOptions({ barcode: code }));
    return item?.inventoryId ?? code;
  };
}
